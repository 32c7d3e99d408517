import { SealpostError } from '@sealpost/errors';
import type { KeySet, RecipientKey } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import { StubTransport } from '@sealpost/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLineFormat, DEFAULT_POLICY, executePlan, planSend, selfCheck } from './index.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const plain = bytes('From: a@example.org\r\nTo: b@example.org\r\nSubject: s\r\n\r\nbody\r\n');

async function code(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    return err instanceof SealpostError ? err.code : `not a SealpostError: ${String(err)}`;
  }
  return undefined;
}

describe('checkLineFormat (RFC 5322 §2.1.1)', () => {
  it('accepts CRLF lines up to 998 octets', () => {
    expect(() => checkLineFormat(bytes(`${'x'.repeat(998)}\r\nok\r\n`))).not.toThrow();
  });

  it('refuses bare LF, bare CR, NUL and lines over 998 octets', async () => {
    for (const bad of [
      'a\nb\r\n',
      'a\rb\r\n',
      'a\u0000b\r\n',
      `${'x'.repeat(999)}\r\n`,
      'x'.repeat(999),
    ]) {
      expect(await code(() => checkLineFormat(bytes(bad))), JSON.stringify(bad.slice(0, 12))).toBe(
        'ESELFCHECK',
      );
    }
  });
});

describe('selfCheck', () => {
  let signer: pgp.GeneratedKey;
  let stranger: pgp.GeneratedKey;
  beforeAll(async () => {
    [signer, stranger] = await Promise.all([
      pgp.generateKey({ userIds: [{ email: 'a@example.org' }] }),
      pgp.generateKey({ userIds: [{ email: 'x@example.org' }] }),
    ]);
  });

  it('stops a message whose structure is not what its scheme promises', async () => {
    expect(await code(selfCheck({ raw: plain, scheme: 'pgp', sign: 'none' }))).toBe('ESELFCHECK');
    expect(await code(selfCheck({ raw: plain, scheme: 'smime', sign: 'none' }))).toBe('ESELFCHECK');
    expect(await code(selfCheck({ raw: plain, scheme: 'none', sign: 'none' }))).toBeUndefined();
  });

  it('verifies our own signature, and stops when it does not verify', async () => {
    const signed = await pgp.signMime(plain, { signingKey: signer.privateKey });
    expect(
      await code(
        selfCheck({
          raw: signed,
          scheme: 'none',
          sign: 'pgp',
          pgpVerificationKey: signer.publicKey,
        }),
      ),
    ).toBeUndefined();
    expect(
      await code(
        selfCheck({
          raw: signed,
          scheme: 'none',
          sign: 'pgp',
          pgpVerificationKey: stranger.publicKey,
        }),
      ),
    ).toBe('ESELFCHECK');
  });
});

describe('executePlan never leaves a half-sent plan after a crypto error', () => {
  it('builds every copy before sending any: a broken key in the second copy means nothing is sent', async () => {
    const alice = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
    const good: RecipientKey = {
      scheme: 'pgp',
      address: 'alice@example.org',
      fingerprint: alice.fingerprint,
      source: 'file',
      material: alice.publicKey,
    };
    // A key object that the crypto step cannot use (as if a key store returned garbage).
    const broken: RecipientKey = {
      scheme: 'pgp',
      address: 'bob@example.org',
      fingerprint: 'ff'.repeat(20),
      source: 'file',
      material: { not: 'a key' },
    };
    const keys: KeySet = {
      recipients: new Map([
        ['alice@example.org', [good]],
        ['bob@example.org', [broken]],
      ]),
    };
    const message = {
      from: { address: 'me@example.net' },
      to: [{ address: 'alice@example.org' }],
      bcc: [{ address: 'bob@example.org' }],
    };
    const plan = planSend(message, { ...DEFAULT_POLICY, encrypt: 'require' }, keys);
    expect(plan.messages).toHaveLength(2);
    const transport = new StubTransport();
    await expect(executePlan(plan, transport, { mime: plain })).rejects.toThrow();
    expect(transport.messages).toEqual([]);
  });

  it('says exactly which copies went out when the server fails part-way', async () => {
    const message = {
      from: { address: 'me@example.net' },
      to: [{ address: 'a@example.org' }],
      bcc: [{ address: 'b@example.org' }],
    };
    const plan = planSend(
      message,
      { ...DEFAULT_POLICY, encrypt: 'never' },
      { recipients: new Map() },
    );
    const transport = new StubTransport({
      failWith: (m) =>
        m.envelope.to.includes('b@example.org')
          ? new SealpostError('ETEMPFAIL', 'busy', { responseCode: 451 })
          : undefined,
    });
    const error = await executePlan(plan, transport, { mime: plain }).catch((err) => err);
    expect(error).toBeInstanceOf(SealpostError);
    expect(error.code).toBe('ETEMPFAIL');
    expect(error.responseCode).toBe(451);
    expect(error.details).toEqual({ sentTo: ['a@example.org'], notSentTo: ['b@example.org'] });
    expect(error.message).toMatch(
      /^The copy to b@example\.org failed \(busy\); 1 of 2 copies was already sent, to a@example\.org\.$/,
    );
    expect(transport.messages.map((m) => m.envelope.to)).toEqual([['a@example.org']]);
  });
});

// Bcc privacy at the pipeline level (docs/design.md §4, RFC 5322 §3.6.3): a Bcc recipient gets a copy
// of their own, is named in no other copy's envelope, headers or key IDs, and a Bcc header that
// slipped into the bytes stops the send in the self-check.
import { SealpostError } from '@sealpost/errors';
import type { KeySet, RecipientKey } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, planSend, prepareSend, selfCheck } from '../../src/index.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const from = { address: 'me@example.net' };

function key(address: string, fingerprint: string, material: unknown = {}): RecipientKey {
  return { scheme: 'pgp', address, fingerprint, source: 'file', material };
}

describe('Bcc privacy', () => {
  let alice: pgp.GeneratedKey;
  let dora: pgp.GeneratedKey;
  beforeAll(async () => {
    [alice, dora] = await Promise.all([
      pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
      pgp.generateKey({ userIds: [{ email: 'dora@example.org' }] }),
    ]);
  });

  it('gives every Bcc recipient a private copy: not in others envelopes, not in their key IDs', () => {
    const keys: KeySet = {
      recipients: new Map([
        ['alice@example.org', [key('alice@example.org', 'aa'.repeat(20))]],
        ['dora@example.org', [key('dora@example.org', 'dd'.repeat(20))]],
      ]),
    };
    const plan = planSend(
      {
        from,
        to: [{ address: 'alice@example.org' }],
        bcc: [{ address: 'dora@example.org' }, { address: 'carol@example.org' }],
      },
      DEFAULT_POLICY,
      keys,
    );
    const visible = plan.messages.filter((m) => !m.bccCopy);
    expect(visible).toHaveLength(1);
    expect(visible[0]!.envelopeTo).toEqual(['alice@example.org']);
    expect(visible[0]!.encryptTo.map((k) => k.address)).toEqual(['alice@example.org']);
    const copies = plan.messages.filter((m) => m.bccCopy);
    expect(copies.map((m) => [m.scheme, m.envelopeTo, m.encryptTo.map((k) => k.address)])).toEqual([
      ['pgp', ['dora@example.org'], ['dora@example.org']],
      ['none', ['carol@example.org'], []],
    ]);
  });

  it('builds the To copy without the Bcc address, and only its own recipients can decrypt it', async () => {
    const keys: KeySet = {
      recipients: new Map([
        ['alice@example.org', [key('alice@example.org', alice.fingerprint, alice.publicKey)]],
        ['dora@example.org', [key('dora@example.org', dora.fingerprint, dora.publicKey)]],
      ]),
    };
    const { built } = await prepareSend(
      {
        from,
        to: [{ address: 'alice@example.org' }],
        bcc: [{ address: 'dora@example.org' }],
        mime: bytes('From: me@example.net\r\nTo: alice@example.org\r\n\r\nhi\r\n'),
      },
      { ...DEFAULT_POLICY, encrypt: 'require', scheme: 'pgp' },
      { recipientKeys: keys },
    );
    expect(built.map((b) => [b.envelope.to, b.planned.bccCopy])).toEqual([
      [['alice@example.org'], false],
      [['dora@example.org'], true],
    ]);
    const raw = new TextDecoder().decode(built[0]!.raw as Uint8Array);
    expect(raw).not.toContain('dora@example.org');
    const toCopy = built[0]!.raw as Uint8Array;
    const opened = await pgp.decryptMime(toCopy, { decryptionKeys: [alice.privateKey] });
    expect(new TextDecoder().decode(opened.entity.body)).toContain('hi');
    await expect(pgp.decryptMime(toCopy, { decryptionKeys: [dora.privateKey] })).rejects.toThrow();
  });

  it('stops a message that carries a Bcc header', async () => {
    const withBcc = bytes(
      'From: a@example.org\r\nTo: b@example.org\r\nBcc: c@example.org\r\n\r\nbody\r\n',
    );
    const error = await selfCheck({ raw: withBcc, scheme: 'none', sign: 'none' }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SealpostError);
    expect((error as SealpostError).code).toBe('ESELFCHECK');
  });
});

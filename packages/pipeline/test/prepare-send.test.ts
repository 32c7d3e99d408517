// prepareSend: keys → plan → refuse (nothing built) → build → self-check, with the IO passed in.
import { createMessage } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { KeySet, RecipientKey, SignerKey } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { sharedTestCa, TestCa } from '@sealpost/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  messageReport,
  type PlanInput,
  prepareSend,
  type SendPlan,
  SendRefusedError,
} from '../src/index.js';

const mimeOf = (text: string) => new TextEncoder().encode(text.replace(/\n/g, '\r\n'));
const plain = mimeOf('From: me@example.net\nTo: alice@example.org\nSubject: s\n\nbody\n');
let alice: pgp.GeneratedKey;
let aliceKey: RecipientKey;
let ca: TestCa;
let smimeSigner: SignerKey;

beforeAll(async () => {
  alice = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
  aliceKey = {
    scheme: 'pgp',
    address: 'alice@example.org',
    fingerprint: alice.fingerprint,
    source: 'file',
    material: alice.publicKey,
  };
  ca = await sharedTestCa();
  const me = await ca.issueEmailCertificate('me@example.net');
  const certificate = smime.readCertificate(me.certPem);
  smimeSigner = {
    scheme: 'smime',
    fingerprint: await smime.certificateFingerprint(certificate),
    source: 'file',
    // A PEM file with the key and the leaf only: no chain travels with it.
    material: { certificate, privateKey: smime.readPrivateKey(me.keyPem), chain: [] },
  };
});

const keysFor = (...keys: RecipientKey[]): KeySet => ({
  recipients: new Map(keys.map((k) => [k.address, [k]])),
});

describe('prepareSend', () => {
  it('asks the resolver once for every recipient, lower-cased, and reports what a dry run shows', async () => {
    const asked: string[][] = [];
    const message: PlanInput & { mime: Uint8Array } = {
      from: { address: 'me@example.net' },
      to: [{ address: 'Alice@Example.org' }],
      cc: [{ address: 'carol@example.org' }],
      bcc: [{ address: 'dora@example.org' }],
      mime: plain,
    };
    const prepared = await prepareSend(
      message,
      { encrypt: 'prefer', scheme: 'pgp', sign: 'none' },
      {
        recipientKeys: async (addresses) => {
          asked.push([...addresses]);
          return keysFor(aliceKey);
        },
      },
    );
    expect(asked).toEqual([['alice@example.org', 'carol@example.org', 'dora@example.org']]);
    expect(prepared.plan.messages.map((m) => [m.scheme, m.envelopeTo])).toEqual([
      ['pgp', ['alice@example.org']],
      ['none', ['carol@example.org']],
      ['none', ['dora@example.org']],
    ]);
    expect(prepared.built).toHaveLength(3);
    expect(prepared.report).toEqual({
      from: 'me@example.net',
      decisions: prepared.plan.decisions,
      messages: prepared.built.map((b) => messageReport(b, null)),
      warnings: [expect.stringContaining('in clear anyway')],
    });
    expect(prepared.keys.recipients.get('alice@example.org')).toEqual([aliceKey]);
  });

  it('refuses with EPOLICY and the plan attached, after onPlan and before anything is built', async () => {
    const seen: SendPlan[] = [];
    const message = {
      from: { address: 'me@example.net' },
      to: [{ address: 'alice@example.org' }, { address: 'nokey@example.org' }],
      // Reading the bytes would mean building had started.
      get mime(): Uint8Array {
        throw new Error('the message was read: something was built');
      },
    };
    const error = await prepareSend(
      message,
      { encrypt: 'require', scheme: 'pgp', sign: 'none' },
      { recipientKeys: keysFor(aliceKey) },
      { onPlan: (plan) => seen.push(plan) },
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SendRefusedError);
    expect(error).toBeInstanceOf(SealpostError);
    const refused = error as SendRefusedError;
    expect(refused.code).toBe('EPOLICY');
    expect(refused.message).toContain('nokey@example.org');
    expect(refused.plan).toBe(seen[0]);
    expect(refused.plan.decisions.filter((d) => d.refused).map((d) => d.address)).toEqual([
      'nokey@example.org',
    ]);
    expect(JSON.stringify(refused)).not.toContain('encryptTo');
  });

  it('composes a compose Message 7-bit clean and carries SMTPUTF8 into the built envelope', async () => {
    const ascii = createMessage({ from: 'me@example.net', to: 'alice@example.org', text: 'hé' });
    const utf8 = createMessage({ from: 'me@example.net', to: 'jürgen@example.org', text: 'hé' });
    const policy = { encrypt: 'never', scheme: 'auto', sign: 'none' } as const;
    const a = await prepareSend(ascii, policy, { recipientKeys: keysFor() });
    const u = await prepareSend(utf8, policy, { recipientKeys: keysFor() });
    expect(a.built[0]!.envelope).toEqual({ from: 'me@example.net', to: ['alice@example.org'] });
    expect(u.built[0]!.envelope).toMatchObject({ to: ['jürgen@example.org'], smtputf8: true });
    expect((a.built[0]!.raw as Uint8Array).every((b) => b < 0x80)).toBe(true);
  });

  it('decides SMTPUTF8 per copy: a non-ASCII Bcc address is its own copy need, not the To copy', async () => {
    const message = createMessage({
      from: 'me@example.net',
      to: 'alice@example.org',
      bcc: 'jürgen@example.org',
      text: 'hi',
    });
    const prepared = await prepareSend(
      message,
      { encrypt: 'never', scheme: 'auto', sign: 'none' },
      { recipientKeys: keysFor() },
    );
    expect(prepared.built.map((b) => [b.envelope.to, b.envelope.smtputf8])).toEqual([
      [['alice@example.org'], undefined],
      [['jürgen@example.org'], true],
    ]);
  });

  it('marks a submitted message with UTF-8 header fields as needing SMTPUTF8 and 8BITMIME', async () => {
    const mime = new TextEncoder().encode('From: me@example.net\r\nSubject: Grüße\r\n\r\nhé\r\n');
    const prepared = await prepareSend(
      { from: { address: 'me@example.net' }, to: [{ address: 'alice@example.org' }], mime },
      { encrypt: 'never', scheme: 'auto', sign: 'none' },
      { recipientKeys: keysFor() },
    );
    expect(prepared.built[0]!.envelope).toMatchObject({ smtputf8: true, eightBitMime: true });
  });
});

describe('the self-check verifies our own S/MIME signature with the trust the signer got', () => {
  const signedOnly = { encrypt: 'never', scheme: 'auto', sign: 'smime' } as const;
  const message = {
    from: { address: 'me@example.net' },
    to: [{ address: 'bob@example.org' }],
    mime: plain,
  };

  it('with the anchor the signer was checked with (a leaf-only PEM signer)', async () => {
    const prepared = await prepareSend(message, signedOnly, {
      recipientKeys: keysFor(),
      signers: { smime: smimeSigner },
      trustAnchors: [smime.readCertificate(ca.certPem)],
    });
    expect(prepared.built[0]!.algorithms).toEqual(['CMS SignedData, SHA-256']);
  });

  it('without anchors: no chain check, as for the signer', async () => {
    const prepared = await prepareSend(message, signedOnly, {
      recipientKeys: keysFor(),
      signers: { smime: smimeSigner },
    });
    expect(prepared.built).toHaveLength(1);
  });

  it('stops (ESELFCHECK) when told the signer was checked with anchors it does not chain to', async () => {
    const stranger = await TestCa.create({ name: 'Stranger CA' });
    const error = await prepareSend(message, signedOnly, {
      recipientKeys: keysFor(),
      signers: { smime: smimeSigner },
      trustAnchors: [smime.readCertificate(stranger.certPem)],
    }).catch((err: unknown) => err);
    expect((error as SealpostError).code).toBe('ESELFCHECK');
  });
});

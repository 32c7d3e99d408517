// Encrypt-to-self, the headers left outside the encryption, and the mixed-copy warning.
import type { KeySet, RecipientKey } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PlanInput, prepareSend, renderSendReport } from '../src/index.js';

const mimeOf = (text: string) => new TextEncoder().encode(text.replace(/\n/g, '\r\n'));
const MIME = mimeOf(
  'From: me@example.net\nTo: alice@example.org\nSubject: s\nX-Job: nightly\n' +
    'References: <a@example.net>\n\nbody\n',
);
let alice: pgp.GeneratedKey;
let me: pgp.GeneratedKey;
let dora: pgp.GeneratedKey;
const keyOf = (k: pgp.GeneratedKey, address: string): RecipientKey => ({
  scheme: 'pgp',
  address,
  fingerprint: k.fingerprint,
  source: 'file',
  material: k.publicKey,
});
const keysFor = (...keys: RecipientKey[]): KeySet => ({
  recipients: new Map(keys.map((k) => [k.address, [k]])),
});

beforeAll(async () => {
  [alice, me, dora] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
    pgp.generateKey({ userIds: [{ email: 'dora@example.org' }] }),
  ]);
});

const message: PlanInput & { mime: Uint8Array } = {
  from: { address: 'me@example.net' },
  to: [{ address: 'alice@example.org' }],
  bcc: [{ address: 'dora@example.org' }],
  mime: MIME,
};
const keys = () =>
  keysFor(
    keyOf(alice, 'alice@example.org'),
    keyOf(me, 'me@example.net'),
    keyOf(dora, 'dora@example.org'),
  );

describe('encrypt to self', () => {
  it('adds the sender key to every encrypted copy (each Bcc copy names only its Bcc), and asks for it', async () => {
    const asked: string[][] = [];
    const prepared = await prepareSend(
      message,
      { encrypt: 'require', scheme: 'pgp', sign: 'none', encryptToSelf: true },
      {
        recipientKeys: async (addresses) => {
          asked.push([...addresses]);
          return keys();
        },
      },
    );
    expect(asked[0]).toContain('me@example.net');
    expect(prepared.plan.messages.map((m) => m.encryptTo.map((k) => k.address))).toEqual([
      ['alice@example.org', 'me@example.net'],
      ['dora@example.org', 'me@example.net'],
    ]);
    // The sender decrypts both copies; the To copy holds no key of the Bcc recipient.
    for (const built of prepared.built) {
      const opened = await pgp.decryptMime(built.raw as Uint8Array, {
        decryptionKeys: [me.privateKey],
      });
      expect(new TextDecoder().decode(opened.entity.body)).toContain('body');
    }
    await expect(
      pgp.decryptMime(prepared.built[0]!.raw as Uint8Array, { decryptionKeys: [dora.privateKey] }),
    ).rejects.toThrow();
  });

  it('is off by default, and notes a missing own key instead of refusing', async () => {
    const off = await prepareSend(
      message,
      { encrypt: 'require', scheme: 'pgp', sign: 'none' },
      { recipientKeys: keys() },
    );
    expect(off.plan.messages[0]!.encryptTo.map((k) => k.address)).toEqual(['alice@example.org']);
    const noKey = await prepareSend(
      message,
      { encrypt: 'require', scheme: 'pgp', sign: 'none', encryptToSelf: true },
      {
        recipientKeys: keysFor(keyOf(alice, 'alice@example.org'), keyOf(dora, 'dora@example.org')),
      },
    );
    expect(noKey.plan.messages[0]!.notes.join(' ')).toContain('not encrypted to yourself');
  });
});

describe('the report on what stays in clear', () => {
  it('lists header fields outside the encryption as read by every server', async () => {
    const prepared = await prepareSend(
      message,
      { encrypt: 'require', scheme: 'pgp', sign: 'none' },
      { recipientKeys: keys() },
    );
    const clear = prepared.report.messages[0]!.clearHeaders;
    expect(clear).toContain('X-Job');
    expect(clear).toContain('References');
    expect(clear).not.toContain('Subject');
    expect(renderSendReport(prepared.report)).toMatch(
      /outside the encryption, every server reads: .*X-Job/,
    );
    expect(prepared.report.warnings).toEqual([]);
  });

  it('warns when encrypted and plain copies of one content go out (a Bcc without a key)', async () => {
    const prepared = await prepareSend(
      message,
      { encrypt: 'prefer', scheme: 'pgp', sign: 'none' },
      { recipientKeys: keysFor(keyOf(alice, 'alice@example.org')) },
    );
    expect(prepared.report.warnings).toHaveLength(1);
    expect(prepared.report.warnings[0]).toContain('reached the servers in clear anyway');
    expect(prepared.report.warnings[0]).toContain('dora@example.org');
    const text = renderSendReport(prepared.report);
    expect(text).toContain('warning: the content reached the servers in clear anyway');
    const warning = text.slice(text.indexOf('warning:')).split('\n');
    expect(Math.max(...warning.map((l) => l.length))).toBeLessThanOrEqual(80);
  });
});

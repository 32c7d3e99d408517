// createPgpCopyPool: OpenPGP copies built on worker threads read exactly like the in-thread ones.
// Under the source condition the worker is the package's built file: build the package first.
import { createMessage } from '@sealpost/compose';
import type { KeySet, SignerKey } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPgpCopyPool,
  defaultPoolThreads,
  type PgpCopyPool,
  prepareSend,
} from '../src/index.js';

let alice: pgp.GeneratedKey;
let me: pgp.GeneratedKey;
let keys: KeySet;
let signer: SignerKey;
let pool: PgpCopyPool;

beforeAll(async () => {
  [alice, me] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
  ]);
  keys = {
    recipients: new Map([
      [
        'alice@example.org',
        [
          {
            scheme: 'pgp',
            address: 'alice@example.org',
            fingerprint: alice.fingerprint,
            source: 'file',
            material: alice.publicKey,
          },
        ],
      ],
    ]),
  };
  signer = {
    scheme: 'pgp',
    fingerprint: me.fingerprint.toLowerCase(),
    source: 'file',
    material: { privateKey: me.privateKey },
  };
  pool = createPgpCopyPool({ threads: 2 });
});

afterAll(async () => {
  await pool?.close();
});

const message = (text: string) =>
  createMessage({ from: 'me@example.net', to: 'alice@example.org', subject: 'Falcon', text });

describe('createPgpCopyPool', () => {
  it('starts one thread per core but one by default, and at least one', () => {
    // The calling thread composes, self-checks and submits; on 2 cores one thread was faster.
    expect([1, 2, 4, 8].map((cores) => defaultPoolThreads(cores))).toEqual([1, 1, 3, 7]);
  });

  it('signs and encrypts on worker threads: alice decrypts every copy and the signature verifies', async () => {
    const texts = ['one apple', 'two pears', 'three plums', 'four figs'];
    const prepared = await Promise.all(
      texts.map((t) =>
        prepareSend(
          message(t),
          { encrypt: 'require', scheme: 'pgp', sign: 'pgp' },
          { recipientKeys: keys, signers: { pgp: signer } },
          { copyBuilder: pool },
        ),
      ),
    );
    for (const [i, p] of prepared.entries()) {
      // Small messages are built in memory (no spool).
      const raw = p.built[0]!.raw as Uint8Array;
      expect(new TextDecoder().decode(raw)).not.toContain(texts[i]);
      const opened = await pgp.decryptMime(raw, {
        decryptionKeys: [alice.privateKey],
        verificationKeys: [me.publicKey],
      });
      expect(new TextDecoder().decode(opened.entity.body)).toContain(texts[i]);
      expect(opened.signatures.map((s) => s.status)).toEqual(['valid']);
    }
  });

  it('builds signed-only copies too, and rejects a copy to sign without a key with ECONFIG', async () => {
    const signed = await prepareSend(
      message('five dates'),
      { encrypt: 'never', scheme: 'pgp', sign: 'pgp' },
      { recipientKeys: keys, signers: { pgp: signer } },
      { copyBuilder: pool },
    );
    expect(new TextDecoder().decode(signed.built[0]!.raw as Uint8Array)).toContain(
      'multipart/signed',
    );
    await expect(
      prepareSend(
        message('six limes'),
        { encrypt: 'require', scheme: 'pgp', sign: 'pgp' },
        {
          recipientKeys: keys,
          signers: { pgp: { ...signer, material: {} } },
        },
        { copyBuilder: pool },
      ),
    ).rejects.toMatchObject({ code: 'ECONFIG' });
  });

  it("builds the copies of one plan side by side with a copyBuilder, in the plan's order", async () => {
    // Twelve Bcc recipients: thirteen private copies of one message.
    const bcc = Array.from({ length: 12 }, (_, i) => `b${i}@example.org`);
    const recipients = new Map(
      ['alice@example.org', ...bcc].map((address) => [
        address,
        [
          {
            scheme: 'pgp' as const,
            address,
            fingerprint: alice.fingerprint,
            source: 'file' as const,
            material: alice.publicKey,
          },
        ],
      ]),
    );
    let building = 0;
    let most = 0;
    const counting = {
      async buildCopy(...args: Parameters<PgpCopyPool['buildCopy']>) {
        building += 1;
        most = Math.max(most, building);
        try {
          return await pool.buildCopy(...args);
        } finally {
          building -= 1;
        }
      },
    };
    const prepared = await prepareSend(
      createMessage({
        from: 'me@example.net',
        to: 'alice@example.org',
        bcc,
        subject: 'x',
        text: 'y',
      }),
      { encrypt: 'require', scheme: 'pgp', sign: 'pgp' },
      { recipientKeys: { recipients }, signers: { pgp: signer } },
      { copyBuilder: counting },
    );
    expect(prepared.built.map((b) => b.envelope.to)).toEqual(
      prepared.plan.messages.map((m) => m.envelopeTo),
    );
    expect(prepared.built).toHaveLength(13);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
  });
});

/**
 * PGP/MIME interop with sqop (Sequoia's Stateless OpenPGP CLI), an implementation independent
 * of both openpgp.js and GnuPG: the same round trips as with gpg.
 */
import {
  canonicalizeLineEnds,
  createEntity,
  createMultipart,
  decodeBody,
  joinMessage,
  parseEntity,
  serializeEntity,
} from '@sealpost/compose';
import { createSopSession, type SopSession } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import {
  type PrivateKey,
  type PublicKey,
  readPrivateKey,
  readPublicKey,
} from '../../src/keys/read-keys.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptedWrapper, encryptMime } from '../../src/mime/encrypt-mime.js';
import { encryptMimeStream } from '../../src/mime/encrypt-mime-stream.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { verifyMime } from '../../src/mime/verify-mime.js';
import {
  encryptedPart,
  largeMessageChunks,
  sampleMessage,
  signedParts,
  streamOfChunks,
  text,
} from './mime-parts.js';

describe('PGP/MIME interop with sqop', () => {
  let sop: SopSession;
  let alice: GeneratedKey;
  let bob: GeneratedKey;
  const files: Record<string, string> = {};
  let sam: { privateKey: PrivateKey; publicKey: PublicKey };

  beforeAll(async () => {
    sop = await createSopSession('sqop');
    [alice, bob] = await Promise.all([
      generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }] }),
      generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.org' }] }),
    ]);
    files.aliceCert = await sop.file('alice.cert', alice.armoredPublicKey);
    files.bobKey = await sop.file('bob.key', bob.armoredPrivateKey);
    const samKey = await sop.ok(['generate-key', 'Sam <sam@example.org>']);
    files.samKey = await sop.file('sam.key', samKey);
    const samCert = await sop.ok(['extract-cert'], samKey);
    files.samCert = await sop.file('sam.cert', samCert);
    sam = { privateKey: await readPrivateKey(samKey), publicKey: await readPublicKey(samCert) };
  });

  afterAll(async () => {
    await sop?.close();
  });

  it('sqop decrypts and verifies our signed+encrypted message', async () => {
    const encrypted = await encryptMime(sampleMessage, {
      recipientKeys: [bob.publicKey],
      signingKey: alice.privateKey,
    });
    const out = `${sop.dir}/verifications.txt`; // sop refuses to overwrite: not created first
    const plain = await sop.ok(
      ['decrypt', `--verify-with=${files.aliceCert}`, `--verifications-out=${out}`, files.bobKey!],
      encryptedPart(encrypted),
    );
    expect(text(plain)).toContain('Subject: Interop check');
    expect(text(decodeBody(parseEntity(plain)))).toContain('mixed-1');
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(out, 'utf8')).toContain(alice.fingerprint);
  });

  it('sqop verifies our multipart/signed signature', async () => {
    const signed = await signMime(sampleMessage, { signingKey: alice.privateKey });
    const { signed: data, signature } = signedParts(signed);
    const sigFile = await sop.file('m.sig', signature);
    const result = await sop.run(['verify', sigFile, files.aliceCert!], data);
    expect(result.code).toBe(0);
    expect(text(result.stdout)).toContain(alice.fingerprint);
    // and not over other bytes
    const tampered = await sop.run(
      ['verify', sigFile, files.aliceCert!],
      new Uint8Array([...data, 0x41]),
    );
    expect(tampered.code).not.toBe(0);
  });

  it('we read a sqop key and encrypt to it; sqop decrypts', async () => {
    const encrypted = await encryptMime(sampleMessage, { recipientKeys: [sam.publicKey] });
    const plain = await sop.ok(['decrypt', files.samKey!], encryptedPart(encrypted));
    expect(text(plain)).toContain('Grüße from sealpost.');
  });

  it("we decrypt and verify sqop's sign+encrypt output wrapped as PGP/MIME", async () => {
    const inner = serializeEntity(
      createEntity({ contentType: 'text/plain', body: 'Hi from sqop\r\n' }),
    );
    const bobCert = await sop.file('bob.cert', bob.armoredPublicKey);
    const ciphertext = await sop.ok(['encrypt', `--sign-with=${files.samKey}`, bobCert], inner);
    const message = joinMessage(
      [
        { name: 'From', value: 'Sam <sam@example.org>' },
        { name: 'Subject', value: 'sqop' },
      ],
      encryptedWrapper(ciphertext),
    );
    const opened = await decryptMime(message, {
      decryptionKeys: [bob.privateKey],
      verificationKeys: [sam.publicKey],
    });
    expect(text(opened.entity.body)).toBe('Hi from sqop\r\n');
    expect(opened.signatures).toMatchObject([
      { status: 'valid', signerFingerprint: sam.publicKey.getFingerprint().toUpperCase() },
    ]);
  });

  it("we verify sqop's detached signature wrapped as multipart/signed", async () => {
    const part = createEntity({ contentType: 'text/plain', body: 'Signed by sqop.\r\n' });
    const signature = await sop.ok(['sign', files.samKey!], serializeEntity(part));
    const signed = createMultipart(
      'signed',
      [
        part,
        createEntity({
          contentType: 'application/pgp-signature',
          body: canonicalizeLineEnds(signature),
        }),
      ],
      { params: { protocol: 'application/pgp-signature', micalg: 'pgp-sha512' } },
    );
    const message = joinMessage([{ name: 'From', value: 'sam@example.org' }], signed);
    const opened = await verifyMime(message, { verificationKeys: [sam.publicKey] });
    expect(opened.signatures).toMatchObject([{ status: 'valid', addresses: ['sam@example.org'] }]);
    // The same entity without a From field names no sender: nothing to vouch for.
    const bare = await verifyMime(serializeEntity(signed), { verificationKeys: [sam.publicKey] });
    expect(bare.signatures).toMatchObject([{ status: 'invalid', code: 'ESENDER_MISSING' }]);
  });

  it('sqop decrypts and verifies a multi-chunk streamed message (our CRLF armor)', async () => {
    const { whole, chunks } = largeMessageChunks(4000);
    const out = new Uint8Array(
      await new Response(
        await encryptMimeStream(streamOfChunks(chunks), {
          recipientKeys: [bob.publicKey],
          signingKey: alice.privateKey,
          canonical: true,
          headerProtection: false,
        }),
      ).arrayBuffer(),
    );
    const verifications = `${sop.dir}/stream-verifications.txt`;
    const plain = await sop.ok(
      [
        'decrypt',
        `--verify-with=${files.aliceCert}`,
        `--verifications-out=${verifications}`,
        files.bobKey!,
      ],
      encryptedPart(out),
    );
    expect(text(plain).endsWith(text(whole.subarray(whole.length - 4000)))).toBe(true);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(verifications, 'utf8')).toContain(alice.fingerprint);
  });
});

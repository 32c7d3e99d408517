/**
 * PGP/MIME interop with GnuPG 2.2 in both directions: gpg decrypts and verifies what we
 * produce (parts taken out of the MIME structure), and we open gpg's output wrapped as PGP/MIME.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  canonicalizeLineEnds,
  createEntity,
  createMultipart,
  decodeBody,
  joinMessage,
  parseEntity,
  serializeEntity,
} from '@sealpost/compose';
import { createGnupgHome, type GnupgHome } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import {
  type PrivateKey,
  type PublicKey,
  readPrivateKey,
  readPublicKey,
} from '../../src/keys/read-keys.js';
import { armorStream } from '../../src/message/armor-stream.js';
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

describe('PGP/MIME interop with gpg 2.2', () => {
  let gpg: GnupgHome;
  let alice: GeneratedKey;
  let bob: GeneratedKey;
  let gina: { fingerprint: string; publicKey: PublicKey; privateKey: PrivateKey };

  beforeAll(async () => {
    gpg = await createGnupgHome();
    [alice, bob] = await Promise.all([
      generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }] }),
      generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.org' }], passphrase: 'bob pass' }),
    ]);
    await gpg.importKeys(alice.armoredPublicKey);
    await gpg.ok(['--import'], { input: bob.armoredPrivateKey, passphrase: 'bob pass' });
    await gpg.ok(
      ['--quick-gen-key', 'Gina <gina@example.org>', 'future-default', 'default', 'never'],
      {
        passphrase: '',
      },
    );
    const fingerprint = await gpg.fingerprint('gina@example.org');
    gina = {
      fingerprint,
      publicKey: await readPublicKey(await gpg.exportKey(fingerprint)),
      privateKey: await readPrivateKey(await gpg.exportKey(fingerprint, { secret: true })),
    };
  });

  afterAll(async () => {
    await gpg?.close();
  });

  it('gpg decrypts our encrypted message to the protected payload', async () => {
    const encrypted = await encryptMime(sampleMessage, { recipientKeys: [bob.publicKey] });
    const result = await gpg.ok(['--status-fd', '2', '--decrypt'], {
      input: encryptedPart(encrypted),
      passphrase: 'bob pass',
    });
    expect(result.stderr).toContain('DECRYPTION_OKAY');
    expect(result.stderr).not.toContain('not integrity protected');
    const payload = parseEntity(result.stdout);
    expect(text(result.stdout)).toContain('Subject: Interop check');
    expect(text(result.stdout)).toMatch(/hp="?cipher/);
    expect(text(payload.body)).toContain('Grüße from sealpost.');
  });

  it('gpg verifies our multipart/signed signature over the exact first part', async () => {
    const signed = await signMime(sampleMessage, { signingKey: alice.privateKey });
    const { signed: data, signature } = signedParts(signed);
    await writeFile(join(gpg.home, 'm.sig'), signature);
    await writeFile(join(gpg.home, 'm.txt'), data);
    const result = await gpg.run([
      '--status-fd',
      '1',
      '--verify',
      join(gpg.home, 'm.sig'),
      join(gpg.home, 'm.txt'),
    ]);
    expect(text(result.stdout)).toContain(`VALIDSIG ${alice.fingerprint}`);
  });

  it('gpg decrypts and verifies our signed+encrypted message (one OpenPGP message)', async () => {
    const encrypted = await encryptMime(sampleMessage, {
      recipientKeys: [bob.publicKey],
      signingKey: alice.privateKey,
    });
    const result = await gpg.ok(['--status-fd', '2', '--decrypt'], {
      input: encryptedPart(encrypted),
      passphrase: 'bob pass',
    });
    expect(result.stderr).toContain(`VALIDSIG ${alice.fingerprint}`);
    expect(result.stderr).toContain('DECRYPTION_OKAY');
    expect(text(result.stdout)).toContain('Grüße from sealpost.');
  });

  it('gpg decrypts a message with hidden (wildcard) recipient key IDs', async () => {
    const encrypted = await encryptMime(sampleMessage, {
      recipientKeys: [bob.publicKey],
      hideRecipientIds: true,
    });
    const result = await gpg.ok(['--status-fd', '2', '--decrypt'], {
      input: encryptedPart(encrypted),
      passphrase: 'bob pass',
    });
    expect(result.stderr).toContain('ENC_TO 0000000000000000');
    expect(text(result.stdout)).toContain('Grüße from sealpost.');
  });

  it("we decrypt and verify gpg's sign+encrypt output wrapped as PGP/MIME", async () => {
    const inner = serializeEntity(
      createEntity({ contentType: 'text/plain', body: 'From gpg, with love.\r\n' }),
    );
    const result = await gpg.ok(
      ['--armor', '--sign', '--encrypt', '-u', gina.fingerprint, '-r', bob.fingerprint],
      { input: inner },
    );
    const message = joinMessage(
      [
        { name: 'From', value: 'Gina <gina@example.org>' },
        { name: 'Subject', value: 'from gpg' },
      ],
      encryptedWrapper(result.stdout),
    );
    const opened = await decryptMime(message, {
      decryptionKeys: [bob.privateKey],
      verificationKeys: [gina.publicKey],
    });
    expect(text(decodeBody(opened.entity))).toBe('From gpg, with love.\r\n');
    expect(opened.signatures).toMatchObject([
      { status: 'valid', signerFingerprint: gina.fingerprint },
    ]);
  });

  it("we verify gpg's detached signature wrapped as multipart/signed", async () => {
    const part = createEntity({ contentType: 'text/plain', body: 'Signed by gpg.\r\n' });
    const bytes = serializeEntity(part);
    const sig = await gpg.ok(['--armor', '--detach-sign', '-u', gina.fingerprint], {
      input: bytes,
    });
    const signatureEntity = createEntity({
      contentType: 'application/pgp-signature',
      body: canonicalizeLineEnds(sig.stdout),
    });
    const signed = createMultipart('signed', [part, signatureEntity], {
      params: { protocol: 'application/pgp-signature', micalg: 'pgp-sha512' },
    });
    const headers = [
      { name: 'From', value: 'gina@example.org' },
      { name: 'Subject', value: 'signed by gpg' },
    ];
    const message = joinMessage(headers, signed);
    const opened = await verifyMime(message, { verificationKeys: [gina.publicKey] });
    expect(opened.signatures).toMatchObject([
      { status: 'valid', signerFingerprint: gina.fingerprint },
    ]);
    expect(opened.hp).toBeUndefined();
    expect(opened.headers).toEqual(headers);
    expect(opened.signatures[0]).toMatchObject({
      userIds: ['Gina <gina@example.org>'],
      addresses: ['gina@example.org'],
    });
  });

  it('gpg decrypts and verifies the streaming path output', async () => {
    const stream = new Blob([sampleMessage]).stream();
    const out = new Uint8Array(
      await new Response(
        await encryptMimeStream(stream, {
          recipientKeys: [bob.publicKey],
          signingKey: alice.privateKey,
        }),
      ).arrayBuffer(),
    );
    const result = await gpg.ok(['--status-fd', '2', '--decrypt'], {
      input: encryptedPart(out),
      passphrase: 'bob pass',
    });
    expect(result.stderr).toContain(`VALIDSIG ${alice.fingerprint}`);
    expect(text(result.stdout)).toContain('Grüße from sealpost.');
  });

  it('gpg decrypts a multi-chunk streamed message armored in CRLF lines', async () => {
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
    const armored = encryptedPart(out);
    expect(text(armored)).toMatch(/\r\n=[A-Za-z0-9+/]{4}\r\n-----END PGP MESSAGE-----\r\n$/);
    const result = await gpg.ok(['--status-fd', '2', '--decrypt'], {
      input: armored,
      passphrase: 'bob pass',
    });
    expect(result.stderr).toContain(`VALIDSIG ${alice.fingerprint}`);
    const decrypted = text(result.stdout);
    // The payload is the input's body part: its last lines arrive whole.
    expect(decrypted.endsWith(text(whole.subarray(whole.length - 4000)))).toBe(true);
  });

  it('gpg --dearmor reads our armor back at every data length, padded or not', async () => {
    // A length divisible by 3 ends without "=" padding: GnuPG 2.2 then needs the CRC24 line
    // to know where the data ends (without it, it decodes the tail line's letters).
    for (const length of [1, 2, 3, 47, 48, 49, 96, 3000, 3001]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 89 + length) & 0xff);
      let i = 0;
      const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 100), bytes.subarray(100)];
      const source = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (i < chunks.length) controller.enqueue(chunks[i++]!);
          else controller.close();
        },
      });
      const armored = new Uint8Array(await new Response(armorStream(source)).arrayBuffer());
      const result = await gpg.ok(['--dearmor'], { input: armored });
      expect(new Uint8Array(result.stdout), `${length} octets`).toEqual(bytes);
    }
  });
});

// The parts of `inspect` a whole-command test does not reach: inline PGP, a signed part
// wrapped by a mailing list, signed-data without smime-type, and SKI recipient identifiers.
import { createEntity, createMultipart, joinMessage, parseEntity } from '@sealpost/compose';
import { openssl, sharedTestCa, tempFiles } from '@sealpost/testkit';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { inspectMessage } from './inspect-message.js';

const enc = new TextEncoder();
const HEAD = 'From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\n';

function message(entityText: string): Uint8Array {
  return enc.encode(`${HEAD}${entityText}`);
}

describe('inspectMessage', () => {
  it('detects an inline PGP message in a text part and lists its recipient', async () => {
    const { privateKey } = await openpgp.generateKey({
      userIDs: [{ email: 'b@example.org' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
    });
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'secret' }),
      encryptionKeys: privateKey.toPublic(),
    });
    const bytes = message(`Content-Type: text/plain\r\n\r\nHello\r\n${armored}`);
    const r = await inspectMessage(bytes);
    expect(r.encryption).toMatchObject({ scheme: 'pgp', format: 'inline-pgp-message', part: '1' });
    expect(r.encryption?.pgp?.recipients[0]?.keyId).toBe(
      privateKey.getSubkeys()[0]!.getKeyID().toHex().toUpperCase(),
    );
    expect(r.notes.join(' ')).toMatch(/Inline PGP protects only the text/);
    expect(r.exposure.scheme).toBe('pgp');
    expect(r.exposure.matrix.relays.body.visibility).toBe('hidden');
    expect(r.exposure.matrix.relays['attachment-names'].visibility).toBe('readable');
  });

  it('detects an inline cleartext signature and its signer key ID', async () => {
    const { privateKey } = await openpgp.generateKey({
      userIDs: [{ email: 'a@example.org' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
    });
    const signed = await openpgp.sign({
      message: await openpgp.createCleartextMessage({ text: 'I agree.' }),
      signingKeys: privateKey,
    });
    const r = await inspectMessage(message(`Content-Type: text/plain\r\n\r\n${signed}`));
    expect(r.signature).toMatchObject({ format: 'inline-pgp-signed' });
    expect(r.signature?.pgp?.[0]?.keyId).toBe(privateKey.getKeyID().toHex().toUpperCase());
  });

  it('finds a signed part a mailing list wrapped in multipart/mixed, and says the rest is not covered', async () => {
    const signedPart = createMultipart(
      'signed',
      [
        createEntity({ contentType: 'text/plain', body: 'body' }),
        createEntity({ contentType: 'application/pgp-signature', body: 'not a real signature' }),
      ],
      { params: { protocol: 'application/pgp-signature', micalg: 'pgp-sha256' } },
    );
    const footer = createEntity({ contentType: 'text/plain', body: 'list footer' });
    const wrapped = createMultipart('mixed', [signedPart, footer]);
    const bytes = joinMessage(parseEntity(enc.encode(`${HEAD}\r\n`)).headers, wrapped);
    const r = await inspectMessage(bytes);
    expect(r.signature).toMatchObject({ format: 'pgp-mime-signed', part: '1.1' });
    // The signature bytes are garbage: reported, not thrown.
    expect(r.signature?.error).toBeDefined();
    expect(r.notes.join(' ')).toMatch(/Only part 1\.1 is signed/);
  });

  it('reads signed-data sent without smime-type (older clients) as a signature', async () => {
    const ca = await sharedTestCa();
    const signer = await ca.issueEmailCertificate('a@example.org', { keyType: 'ec-p256' });
    const files = await tempFiles();
    try {
      const der = await openssl([
        'cms',
        '-sign',
        '-nodetach',
        '-outform',
        'DER',
        '-signer',
        await files.write('cert.pem', signer.certPem),
        '-inkey',
        await files.write('key.pem', signer.keyPem),
        '-in',
        await files.write('in.txt', 'Content-Type: text/plain\r\n\r\nhi\r\n'),
      ]);
      const body = der.toString('base64').replace(/.{76}/g, '$&\r\n');
      const bytes = message(
        `Content-Type: application/pkcs7-mime; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`,
      );
      const r = await inspectMessage(bytes);
      expect(r.encryption).toBeNull();
      expect(r.signature).toMatchObject({
        format: 'smime-signed-opaque',
        cms: [{ certificateSubject: 'CN=a@example.org' }],
      });
    } finally {
      await files.dispose();
    }
  });

  it('refuses a file with no message header fields', async () => {
    await expect(inspectMessage(enc.encode('just text\r\n'))).rejects.toMatchObject({
      code: 'EMIME',
    });
  });

  it('shows a subject-key-identifier RecipientInfo (openssl cms -keyid)', async () => {
    const ca = await sharedTestCa();
    const cert = await ca.issueEmailCertificate('b@example.org', { keyType: 'rsa-2048' });
    const files = await tempFiles();
    try {
      const certFile = await files.write('cert.pem', cert.certPem);
      const input = await files.write('in.txt', 'Content-Type: text/plain\r\n\r\nhi\r\n');
      const smime = await openssl([
        'cms',
        '-encrypt',
        '-keyid',
        '-aes-128-cbc',
        '-in',
        input,
        certFile,
      ]);
      const r = await inspectMessage(new Uint8Array(Buffer.concat([Buffer.from(HEAD), smime])));
      expect(r.encryption?.cms?.recipients).toEqual([
        {
          type: 'ktri',
          subjectKeyIdentifier: expect.stringMatching(/^[0-9a-f]{40}$/),
          keyEncryption: expect.stringMatching(/rsaEncryption/),
        },
      ]);
      expect(r.encryption?.cms?.contentEncryption).toMatch(/aes128-CBC/);
    } finally {
      await files.dispose();
    }
  });
});

/**
 * Attacks and tampering: a changed ciphertext or GCM tag, a bad RSA PKCS#1 v1.5 padding (must
 * look exactly like any other failure — no Bleichenbacher/Marvin oracle), a changed body under
 * a detached signature, a signer outside the trust anchors, expired certificates.
 */
import { joinMessage, splitMessage } from '@sealpost/compose';
import { TestCa } from '@sealpost/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeEnvelope, parseEnvelope } from '../../src/cms/auth-enveloped-data.js';
import { contentEncryptionAlgorithm } from '../../src/cms/content-encryption.js';
import { decryptCms } from '../../src/cms/decrypt-cms.js';
import { encryptCms } from '../../src/cms/encrypt-cms.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptMime } from '../../src/mime/encrypt-mime.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { pkcs7MimeEntity } from '../../src/mime/smime-entity.js';
import { verifyMime } from '../../src/mime/verify-mime.js';
import { rsaRawDecrypt } from '../../src/node/rsa-raw-decrypt.js';
import { type Fixtures, fixtures, MESSAGE, party, text } from '../fixtures.js';

const DAY = 86_400_000;
let f: Fixtures;
beforeAll(async () => {
  f = await fixtures();
});

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

function rewrap(message: Uint8Array, der: Uint8Array): Uint8Array {
  const { messageHeaders } = splitMessage(message);
  return joinMessage(messageHeaders, pkcs7MimeEntity('authEnveloped-data', der));
}

describe('AuthEnvelopedData (AES-256-GCM) integrity', () => {
  it.each([
    ['the last byte of the tag', (der: Uint8Array) => der.length - 1],
    ['the first byte of the tag', (der: Uint8Array) => der.length - 16],
    ['a byte of the ciphertext', (der: Uint8Array) => der.length - 40],
  ])('a flipped bit in %s is refused with ESMIME_DECRYPT', async (_name, position) => {
    const bob = f.bob.rsa;
    const encrypted = await encryptMime(MESSAGE, { recipients: [bob.certificate] });
    const der = (await import('@sealpost/compose')).decodeBody(splitMessage(encrypted).entity);
    // Our encoding ends with the ciphertext, then mac = OCTET STRING (16): the tag is last.
    expect([der[der.length - 18], der[der.length - 17]]).toEqual([0x04, 0x10]);
    const tampered = rewrap(encrypted, flip(der, position(der)));
    await expect(decryptMime(tampered, { ...bob, rsaRawDecrypt })).rejects.toMatchObject({
      code: 'ESMIME_DECRYPT',
    });
    // The untouched message still decrypts: the test would catch a key mix-up.
    await expect(
      decryptMime(rewrap(encrypted, der), { ...bob, rsaRawDecrypt }),
    ).resolves.toBeDefined();
  });

  it('refuses AES-GCM inside EnvelopedData (pkijs writes this; it has no tag)', async () => {
    const bob = f.bob.rsa;
    const good = parseEnvelope(await encryptCms(new Uint8Array(10), [bob.certificate]));
    const der = encodeEnvelope({
      kind: 'envelopedData',
      recipientInfos: good.recipientInfos.map((r) => new Uint8Array(r.toSchema().toBER())),
      contentEncryptionAlgorithm: contentEncryptionAlgorithm('gcm', new Uint8Array(12)),
      ciphertext: good.ciphertext,
    });
    await expect(decryptCms(der, { ...bob, rsaRawDecrypt })).rejects.toMatchObject({
      code: 'ESMIME_UNSUPPORTED',
    });
  });
});

describe('RSA PKCS#1 v1.5 key transport: implicit rejection', () => {
  async function failureOf(encryptedKey: (original: Uint8Array) => Uint8Array, tamperTag: boolean) {
    const bob = f.bob.rsa;
    const der = await encryptCms(new TextEncoder().encode('secret'), [bob.certificate], {
      rsaPadding: 'pkcs1v15',
    });
    // The 256-byte encrypted key is the only OCTET STRING with a 0x82 0x01 0x00 length.
    const at = der.findIndex(
      (b, i) => b === 0x04 && der[i + 1] === 0x82 && der[i + 2] === 0x01 && der[i + 3] === 0x00,
    );
    const tampered = der.slice();
    tampered.set(encryptedKey(der.subarray(at + 4, at + 260)), at + 4);
    const target = tamperTag ? flip(tampered, tampered.length - 1) : tampered;
    try {
      await decryptCms(target, { ...bob, rsaRawDecrypt });
    } catch (error) {
      return error as { code: string; message: string };
    }
    throw new Error('decryption of tampered data succeeded');
  }

  it('a random encrypted key fails exactly like a changed tag (same code, same message)', async () => {
    const random = () => crypto.getRandomValues(new Uint8Array(256));
    const badPadding = await failureOf(random, false);
    const badTag = await failureOf((k) => k, true);
    expect(badPadding.code).toBe('ESMIME_DECRYPT');
    expect({ code: badPadding.code, message: badPadding.message }).toEqual({
      code: badTag.code,
      message: badTag.message,
    });
  });
});

describe('signatures', () => {
  it('a changed body under a detached signature is invalid', async () => {
    const signed = await signMime(MESSAGE, { ...f.alice.ec, chain: [f.anchor] });
    const original = text(signed);
    const tampered = new TextEncoder().encode(
      original.replace('numbers are in: 42', 'numbers are in: 43'),
    );
    expect(text(tampered)).not.toBe(original);
    const result = await verifyMime(tampered, { trustAnchors: [f.anchor] });
    expect(result.signature.status).toBe('invalid');
    expect(result.signature.signers[0]!.error!.code).toBe('ESMIME_SIGNATURE_INVALID');
    expect((await verifyMime(signed, { trustAnchors: [f.anchor] })).signature.status).toBe('valid');
  });

  it('a signer from a CA outside the trust anchors is invalid (untrusted)', async () => {
    const rogueCa = await TestCa.create({ name: 'sealpost Test CA' });
    const mallory = await party(rogueCa, 'alice@example.test', 'ec-p256');
    const signed = await signMime(MESSAGE, { ...mallory, chain: [] });
    const result = await verifyMime(signed, { trustAnchors: [f.anchor] });
    expect(result.signature.status).toBe('invalid');
    expect(result.signature.signers[0]!.error!.code).toBe('ESMIME_CERT_UNTRUSTED');
  });

  it('a signature by an expired certificate is invalid (expired)', async () => {
    const issued = await f.ca.issueEmailCertificate('alice@example.test', {
      keyType: 'ec-p256',
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const { readCertificate } = await import('../../src/certificate.js');
    const { readPrivateKey } = await import('../../src/private-key.js');
    const signed = await signMime(MESSAGE, {
      certificate: readCertificate(issued.certDer),
      privateKey: readPrivateKey(issued.keyPem),
    });
    const result = await verifyMime(signed, { trustAnchors: [f.anchor] });
    expect(result.signature.status).toBe('invalid');
    expect(result.signature.signers[0]!.error!.code).toBe('ESMIME_CERT_EXPIRED');
  });

  it('encryption to an expired recipient certificate is refused when trust anchors are given', async () => {
    const issued = await f.ca.issueEmailCertificate('bob@example.test', {
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const { readCertificate } = await import('../../src/certificate.js');
    await expect(
      encryptMime(MESSAGE, {
        recipients: [{ certificate: readCertificate(issued.certDer), address: 'bob@example.test' }],
        trustAnchors: [f.anchor],
      }),
    ).rejects.toMatchObject({ code: 'ESMIME_CERT_EXPIRED' });
  });
});

/**
 * Interop for the algorithms beyond AES + RSA/ECDH: Ed25519 signatures (RFC 8419), X25519
 * key agreement with HKDF (RFC 8418), ChaCha20-Poly1305 (RFC 8103), and the legacy 3DES
 * content cipher `openssl cms -encrypt` still uses by default. OpenSSL 3.0 writes and reads
 * neither Ed25519 nor X25519 CMS, nor ChaCha20-Poly1305 in CMS (decision 0097): there the
 * pieces are checked against `openssl kdf` / `openssl pkeyutl -derive`, and messages are
 * made here with Node's OpenSSL.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { decodeBody } from '@sealpost/compose';
import { ed25519TestCa, issueRfc8410Certificate, openssl, tempFiles } from '@sealpost/testkit';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../../src/bytes.js';
import { readCertificate, type SmimeCertificate } from '../../src/certificate.js';
import { checkCertificate } from '../../src/check-certificate.js';
import { encodeEnvelope, parseEnvelope } from '../../src/cms/auth-enveloped-data.js';
import { decryptCms } from '../../src/cms/decrypt-cms.js';
import { encryptCms } from '../../src/cms/encrypt-cms.js';
import { hkdf } from '../../src/cms/hkdf.js';
import { buildKeyTransRecipient } from '../../src/cms/key-trans-recipient.js';
import { signCms } from '../../src/cms/sign-cms.js';
import { verifyCms } from '../../src/cms/verify-cms.js';
import { describeEnvelope, describeSignedData } from '../../src/describe/cms-structure.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptMime } from '../../src/mime/encrypt-mime.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { verifyMime } from '../../src/mime/verify-mime.js';
import { contentDecrypt } from '../../src/node/content-decrypt.js';
import { rsaRawDecrypt } from '../../src/node/rsa-raw-decrypt.js';
import { OID } from '../../src/oids.js';
import { pkcs12Kdf, pkcs12PasswordBytes } from '../../src/pkcs12-legacy-pbe.js';
import { readPrivateKey, type SmimePrivateKey } from '../../src/private-key.js';
import { BODY_LINE, ENTITY, type Fixtures, fixtures, MESSAGE, text } from '../fixtures.js';

interface Rfc8410Party {
  readonly certificate: SmimeCertificate;
  readonly privateKey: SmimePrivateKey;
  readonly certFile: string;
  readonly keyFile: string;
}

let f: Fixtures;
let files: Awaited<ReturnType<typeof tempFiles>>;
let alice: Rfc8410Party;
let dana: Rfc8410Party;

async function rfc8410Party(address: string, algorithm: 'ed25519' | 'x25519') {
  const issued = await issueRfc8410Certificate(f.ca, address, algorithm);
  return {
    certificate: readCertificate(issued.certPem),
    privateKey: readPrivateKey(issued.keyPem),
    certFile: await files.write(`${algorithm}.pem`, issued.certPem),
    keyFile: await files.write(`${algorithm}.key`, issued.keyPem),
  };
}

beforeAll(async () => {
  f = await fixtures();
  files = await tempFiles('sealpost-smime-algorithms-');
  alice = await rfc8410Party('alice@example.test', 'ed25519');
  dana = await rfc8410Party('dana@example.test', 'x25519');
});
afterAll(async () => {
  await files.dispose();
});

const colonHex = (out: Buffer) => text(out).replace(/[:\s]/g, '').toLowerCase();

describe('Ed25519 signatures (RFC 8419)', () => {
  it('signs with SHA-512 and id-Ed25519, and verifies its own detached and opaque signatures', async () => {
    for (const format of ['detached', 'opaque'] as const) {
      const signed = await signMime(MESSAGE, { ...alice, chain: [f.anchor], format });
      if (format === 'detached') expect(text(signed)).toContain('micalg=sha-512');
      const result = await verifyMime(signed, { trustAnchors: [f.anchor] });
      expect(result.signature.signers[0]?.error).toBeUndefined();
      expect(result.signature.status).toBe('valid');
      expect(text(decodeBody(result.entity))).toContain(BODY_LINE);
    }
  });

  it('openssl cms -cmsout reads our SignedData and names the algorithms', async () => {
    const der = await signCms(ENTITY, { ...alice, detached: false });
    const input = await files.write('ed-signed.der', der);
    const out = text(await openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', input]));
    expect(out).toContain('ED25519');
    expect(out).toContain('sha512');
    const [facts] = describeSignedData(der);
    expect(facts!.signatureAlgorithm).toBe(`Ed25519 (${OID.ed25519})`);
    expect(facts!.digestAlgorithm).toBe(`sha512 (${OID.sha512})`);
  });

  it('openssl 3.0 pkeyutl verifies our Ed25519 signature over the signed attributes', async () => {
    const der = await signCms(ENTITY, { ...alice, detached: true });
    const info = new pkijs.ContentInfo({ schema: asn1js.fromBER(der).result });
    const signer = new pkijs.SignedData({ schema: info.content }).signerInfos[0]!;
    const attrs = new Uint8Array(signer.signedAttrs!.toSchema().toBER());
    attrs[0] = 0x31;
    const pub = await files.write(
      'ed.pub',
      await openssl(['pkey', '-in', alice.keyFile, '-pubout']),
    );
    const out = text(
      await openssl([
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        pub,
        '-rawin',
        '-in',
        await files.write('attrs.der', attrs),
        '-sigfile',
        await files.write('sig.bin', signer.signature.valueBlock.valueHexView),
      ]),
    );
    expect(out).toContain('Signature Verified Successfully');
  });

  it('finds a changed content and a signer without SHA-512 invalid', async () => {
    const der = await signCms(ENTITY, { ...alice, detached: true });
    const changed = ENTITY.slice();
    changed[changed.length - 3]! ^= 1;
    const bad = await verifyCms(der, { detachedContent: changed, trustAnchors: [f.anchor] });
    expect(bad.signers[0]!.status).toBe('invalid');
    expect(bad.signers[0]!.error!.code).toBe('ESMIME_SIGNATURE_INVALID');
  });
});

describe('certificates under an Ed25519 CA (RFC 9216 style)', () => {
  it('validates an X25519 and an Ed25519 certificate issued by an openssl Ed25519 CA', async () => {
    const ca = await ed25519TestCa();
    const anchor = readCertificate(ca.certPem);
    const x = readCertificate(
      (await issueRfc8410Certificate(ca, 'dana@example.test', 'x25519')).certPem,
    );
    const ed = readCertificate(
      (await issueRfc8410Certificate(ca, 'alice@example.test', 'ed25519')).certPem,
    );
    const encrypt = await checkCertificate(x, {
      purpose: 'encrypt',
      trustAnchors: [anchor],
      address: 'dana@example.test',
    });
    expect(encrypt.chain).toHaveLength(2);
    await checkCertificate(ed, { purpose: 'sign', trustAnchors: [anchor] });
    // Each key does one job (RFC 8410): X25519 cannot sign, Ed25519 cannot be encrypted to.
    await expect(
      checkCertificate(x, { purpose: 'sign', trustAnchors: [anchor] }),
    ).rejects.toMatchObject({ code: 'ESMIME_CERT_USAGE' });
    await expect(
      checkCertificate(ed, { purpose: 'encrypt', trustAnchors: [anchor] }),
    ).rejects.toMatchObject({ code: 'ESMIME_CERT_USAGE' });
    // Another CA's anchor, or a changed signature, does not validate.
    await expect(
      checkCertificate(x, { purpose: 'encrypt', trustAnchors: [f.anchor] }),
    ).rejects.toMatchObject({ code: 'ESMIME_CERT_UNTRUSTED' });
    const forged = x.der.slice();
    forged[forged.length - 5]! ^= 0x01;
    await expect(
      checkCertificate(readCertificate(forged), { purpose: 'encrypt', trustAnchors: [anchor] }),
    ).rejects.toMatchObject({ code: 'ESMIME_CERT_UNTRUSTED' });
  });
});

describe('X25519 key agreement with HKDF (RFC 8418)', () => {
  it('our KEK pieces match openssl: X25519 shared secret and HKDF', async () => {
    const peer = await files.write('peer.key', await openssl(['genpkey', '-algorithm', 'x25519']));
    const peerPub = await files.write('peer.pub', await openssl(['pkey', '-in', peer, '-pubout']));
    const z = await openssl(['pkeyutl', '-derive', '-inkey', dana.keyFile, '-peerkey', peerPub]);
    const info = '3015300b060960864801650304012da206040400000100';
    const expected = colonHex(
      await openssl([
        'kdf',
        '-keylen',
        '32',
        '-kdfopt',
        'digest:SHA256',
        '-kdfopt',
        `hexkey:${z.toString('hex')}`,
        '-kdfopt',
        `hexinfo:${info}`,
        'HKDF',
      ]),
    );
    const ours = await hkdf(
      'SHA-256',
      new Uint8Array(z),
      new Uint8Array(),
      Buffer.from(info, 'hex'),
      32,
      crypto,
    );
    expect(bytesToHex(ours)).toBe(expected);
  });

  it.each(['aes-256-gcm', 'aes-256-cbc'] as const)(
    'encrypts %s to an X25519 certificate with hkdf-sha256 and decrypts it',
    async (contentEncryption) => {
      const encrypted = await encryptMime(MESSAGE, {
        recipients: [dana.certificate, f.bob.rsa.certificate],
        contentEncryption,
      });
      const input = await files.write('x25519.eml', encrypted);
      // OpenSSL 3.0 cannot decrypt X25519 CMS, but must parse it and show the RFC 8418 OIDs.
      const printed = text(await openssl(['cms', '-cmsout', '-print', '-in', input]));
      expect(printed).toContain('X25519');
      expect(printed).toMatch(/1\.2\.840\.113549\.1\.9\.16\.3\.19|hkdf/i);
      const result = await decryptMime(encrypted, { ...dana, trustAnchors: [f.anchor] });
      expect(text(decodeBody(result.entity))).toContain(BODY_LINE);
      expect(result.encryption.keyEncryptionOid).toBe(OID.hkdfSha256Scheme);
      expect(result.encryption.weak).toBe(false);
      // The RSA recipient of the same message still reads it with openssl.
      const bob = await files.write('bob.pem', f.bob.rsa.issued.certPem);
      const bobKey = await files.write('bob.key', f.bob.rsa.issued.keyPem);
      const out = text(
        await openssl(['cms', '-decrypt', '-in', input, '-recip', bob, '-inkey', bobKey]),
      );
      expect(out).toContain(BODY_LINE);
    },
  );

  it('refuses an X25519 message for a key that is not ours', async () => {
    const other = await rfc8410Party('dana@example.test', 'x25519');
    const der = await encryptCms(ENTITY, [dana.certificate]);
    expect(describeEnvelope(der).recipients[0]!.keyEncryption).toContain(
      'dhSinglePass-stdDH-hkdf-sha256 (X25519)',
    );
    await expect(
      decryptCms(der, { certificate: dana.certificate, privateKey: other.privateKey }),
    ).rejects.toMatchObject({ code: 'ESMIME_DECRYPT' });
  });
});

describe('X25519 hostile input', () => {
  it('refuses a low-order (all-zero) originator key as ESMIME_DECRYPT', async () => {
    const der = await encryptCms(ENTITY, [dana.certificate]);
    const kari = parseEnvelope(der).recipientInfos[0]!.value as pkijs.KeyAgreeRecipientInfo;
    const point = (kari.originator.value as pkijs.OriginatorPublicKey).publicKey.valueBlock
      .valueHexView;
    const at = Buffer.from(der).indexOf(Buffer.from(point));
    expect(at).toBeGreaterThan(0);
    const hostile = der.slice();
    hostile.fill(0, at, at + 32);
    await expect(decryptCms(hostile, dana)).rejects.toMatchObject({ code: 'ESMIME_DECRYPT' });
  });
});

/** AuthEnvelopedData with ChaCha20-Poly1305 for an RSA recipient, made with Node's OpenSSL. */
async function chachaMessage(
  recipient: SmimeCertificate,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return encodeEnvelope({
    kind: 'authEnvelopedData',
    recipientInfos: [await buildKeyTransRecipient(recipient, key, 'oaep', crypto)],
    contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: OID.chacha20Poly1305,
      algorithmParams: new asn1js.OctetString({ valueHex: nonce }),
    }),
    ciphertext,
    mac: cipher.getAuthTag(),
  });
}

describe('ChaCha20-Poly1305 (RFC 8103)', () => {
  it('decrypts with the injected Node cipher, and refuses without it', async () => {
    const der = await chachaMessage(f.bob.rsa.certificate, ENTITY);
    const result = await decryptCms(der, { ...f.bob.rsa, contentDecrypt });
    expect(text(result.content)).toContain(BODY_LINE);
    expect(result.integrity).toBe('aead');
    expect(result.contentEncryptionOid).toBe(OID.chacha20Poly1305);
    await expect(decryptCms(der, f.bob.rsa)).rejects.toMatchObject({
      code: 'ESMIME_CIPHER_UNAVAILABLE',
    });
  });

  it('rejects a changed ciphertext or tag as ESMIME_DECRYPT', async () => {
    const der = await chachaMessage(f.bob.rsa.certificate, ENTITY);
    for (const offset of [der.length - 1, der.length - 30]) {
      const changed = der.slice();
      changed[offset]! ^= 0x01;
      await expect(decryptCms(changed, { ...f.bob.rsa, contentDecrypt })).rejects.toMatchObject({
        code: 'ESMIME_DECRYPT',
      });
    }
  });
});

describe('legacy 3DES-CBC (openssl cms -encrypt default)', () => {
  // With an EC recipient openssl also wraps the key with 3DES (id-alg-CMS3DESwrap): not read.
  it.each([
    ['rsa', []],
    ['rsa', ['-des3']],
  ] as const)('reads openssl 3DES to bob-%s %j, flagged weak', async (key, options) => {
    const bob = f.bob[key];
    const cert = await files.write(`bob-${key}.pem`, bob.issued.certPem);
    const input = await files.write('entity.txt', ENTITY);
    const encrypted = new Uint8Array(
      await openssl([
        'cms',
        '-encrypt',
        '-in',
        input,
        '-subject',
        'Old client',
        '-recip',
        cert,
        ...options,
      ]),
    );
    const result = await decryptMime(encrypted, { ...bob, rsaRawDecrypt, contentDecrypt });
    expect(text(decodeBody(result.entity))).toContain(BODY_LINE);
    expect(result.encryption.contentEncryptionOid).toBe(OID.desEde3Cbc);
    expect(result.encryption.weak).toBe(true);
    expect(result.encryption.weakNote).toContain('3DES');
    expect(result.encryption.integrity).toBe('none');
    await expect(decryptMime(encrypted, { ...bob, rsaRawDecrypt })).rejects.toMatchObject({
      code: 'ESMIME_CIPHER_UNAVAILABLE',
    });
  });

  it('AES messages are not weak', async () => {
    const encrypted = await encryptMime(MESSAGE, { recipients: [f.bob.ec.certificate] });
    const result = await decryptMime(encrypted, f.bob.ec);
    expect(result.encryption.weak).toBe(false);
    expect(result.encryption.weakNote).toBeUndefined();
  });
});

describe('PKCS#12 KDF (RFC 7292 B.2)', () => {
  it('matches openssl kdf PKCS12KDF for key, IV and MAC ids', async () => {
    // openssl kdf takes the password bytes as given: pass the BMPString form (App. B.1).
    const hexpass = bytesToHex(pkcs12PasswordBytes('correct horse'));
    for (const id of [1, 2, 3] as const) {
      const expected = colonHex(
        await openssl([
          'kdf',
          '-keylen',
          '24',
          '-kdfopt',
          'digest:SHA1',
          '-kdfopt',
          `hexpass:${hexpass}`,
          '-kdfopt',
          'hexsalt:0102030405060708',
          '-kdfopt',
          'iter:2048',
          '-kdfopt',
          `id:${id}`,
          'PKCS12KDF',
        ]),
      );
      const ours = await pkcs12Kdf(
        id,
        pkcs12PasswordBytes('correct horse'),
        Buffer.from('0102030405060708', 'hex'),
        2048,
        24,
        crypto,
      );
      expect(bytesToHex(ours)).toBe(expected);
    }
  });
});

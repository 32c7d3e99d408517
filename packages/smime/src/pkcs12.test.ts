import { getCiphers } from 'node:crypto';
import { exportPkcs12, issueRfc8410Certificate, sharedTestCa } from '@sealpost/testkit';
import { describe, expect, it } from 'vitest';
import { exportCertificatePem, readCertificate, readCertificates } from './certificate.js';
import { contentDecrypt } from './node/content-decrypt.js';
import { readPkcs12 } from './pkcs12.js';
import { readPrivateKey } from './private-key.js';

describe('certificates and PKCS#12', () => {
  it('reads PEM and DER certificates and exports PEM that openssl wrote the same way', async () => {
    const ca = await sharedTestCa();
    const alice = await ca.issueEmailCertificate('alice@example.test', { keyType: 'ec-p256' });
    const fromPem = readCertificates(alice.chainPem);
    expect(fromPem).toHaveLength(2);
    expect(fromPem[0]!.addresses).toEqual(['alice@example.test']);
    expect(fromPem[0]!.publicKey).toEqual({ type: 'ec', curve: 'P-256' });
    const fromDer = readCertificate(alice.certDer);
    expect(fromDer.serialNumber).toBe(fromPem[0]!.serialNumber);
    expect(exportCertificatePem(fromDer).replace(/\s/g, '')).toBe(alice.certPem.replace(/\s/g, ''));
    expect(() => readCertificate(new Uint8Array([1, 2, 3]))).toThrow(
      expect.objectContaining({ code: 'ECERT_PARSE' }),
    );
  });

  it.each([
    ['rsa-2048', false],
    ['ec-p256', false],
  ] as const)('opens an openssl pkcs12 -export file (%s, legacy %s)', async (keyType, legacy) => {
    const ca = await sharedTestCa();
    const bob = await ca.issueEmailCertificate('bob@example.test', { keyType });
    const p12 = await exportPkcs12(bob, ca, 'correct horse', { legacy });
    const contents = await readPkcs12(p12, 'correct horse');
    expect(contents.certificate.der).toEqual(bob.certDer);
    expect(contents.chain.map((c) => c.subject)).toEqual([readCertificate(ca.certDer).subject]);
    expect(contents.privateKey.pkcs8).toEqual(readPrivateKey(bob.keyPem).pkcs8);
    await expect(readPkcs12(p12, 'wrong')).rejects.toMatchObject({ code: 'EPKCS12_PASSWORD' });
  });

  it('reads a legacy 3DES PKCS#12 with the Node decryptor and flags it weak', async () => {
    const ca = await sharedTestCa();
    const bob = await ca.issueEmailCertificate('bob@example.test', { keyType: 'ec-p256' });
    const p12 = await exportPkcs12(bob, ca, 'pw', { legacy: true });
    const contents = await readPkcs12(p12, 'pw', undefined, { contentDecrypt });
    expect(contents.certificate.der).toEqual(bob.certDer);
    expect(contents.privateKey.pkcs8).toEqual(readPrivateKey(bob.keyPem).pkcs8);
    expect(contents.weak).toBe(true);
    expect(contents.warnings.join(' ')).toContain('pbeWithSHAAnd3-KeyTripleDES-CBC');
    await expect(readPkcs12(p12, 'wrong', undefined, { contentDecrypt })).rejects.toMatchObject({
      code: 'EPKCS12_PASSWORD',
    });
  });

  it('refuses a legacy PKCS#12 without the decryptor, saying what is missing', async () => {
    const ca = await sharedTestCa();
    const bob = await ca.issueEmailCertificate('bob@example.test', { keyType: 'ec-p256' });
    const p12 = await exportPkcs12(bob, ca, 'pw', { legacy: true });
    await expect(readPkcs12(p12, 'pw')).rejects.toMatchObject({
      code: 'ESMIME_CIPHER_UNAVAILABLE',
      message: expect.stringContaining('3-KeyTripleDES'),
    });
  });

  it('reads openssl pkcs12 -legacy (RC2-40 certificates) when OpenSSL has RC2, else says so', async () => {
    const ca = await sharedTestCa();
    const bob = await ca.issueEmailCertificate('bob@example.test', { keyType: 'rsa-2048' });
    const p12 = await exportPkcs12(bob, ca, 'pw', { legacy: 'rc2' });
    if (!getCiphers().includes('rc2-40-cbc')) {
      // Node without --openssl-legacy-provider: RC2 stays refused, with a clear code.
      await expect(readPkcs12(p12, 'pw', undefined, { contentDecrypt })).rejects.toMatchObject({
        code: 'ESMIME_CIPHER_UNAVAILABLE',
      });
      return;
    }
    const contents = await readPkcs12(p12, 'pw', undefined, { contentDecrypt });
    expect(contents.certificate.der).toEqual(bob.certDer);
    expect(contents.warnings.join(' ')).toContain('40BitRC2');
  });

  it('reads AES PKCS#12 files as not weak, and Ed25519 / X25519 keys in them', async () => {
    const ca = await sharedTestCa();
    for (const algorithm of ['ed25519', 'x25519'] as const) {
      const issued = await issueRfc8410Certificate(ca, 'dana@example.test', algorithm);
      const contents = await readPkcs12(await exportPkcs12(issued, ca, 'pw'), 'pw');
      expect(contents.weak).toBe(false);
      expect(contents.warnings).toEqual([]);
      expect(contents.privateKey.type).toBe(algorithm);
      expect(contents.certificate.publicKey).toEqual({ type: algorithm });
    }
  });
});

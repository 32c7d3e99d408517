import { exportPkcs12, sharedTestCa } from '@sealpost/testkit';
import { describe, expect, it } from 'vitest';
import { exportCertificatePem, readCertificate, readCertificates } from './certificate.js';
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

  it('refuses a legacy 3DES PKCS#12 with a clear ECERT_PARSE instead of a password error', async () => {
    const ca = await sharedTestCa();
    const bob = await ca.issueEmailCertificate('bob@example.test', { keyType: 'ec-p256' });
    const p12 = await exportPkcs12(bob, ca, 'pw', { legacy: true });
    await expect(readPkcs12(p12, 'pw')).rejects.toMatchObject({
      code: 'ECERT_PARSE',
      message: expect.stringContaining('3DES'),
    });
  });
});

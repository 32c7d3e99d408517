import { sharedTestCa, TestCa } from '@sealpost/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCertificate, type SmimeCertificate } from './certificate.js';
import { checkCertificate } from './check-certificate.js';

const DAY = 86_400_000;
const KEY_ENCIPHERMENT = 0x20;
const DIGITAL_SIGNATURE = 0x80;

describe('checkCertificate', () => {
  let ca: TestCa;
  let anchor: SmimeCertificate;
  beforeAll(async () => {
    ca = await sharedTestCa();
    anchor = readCertificate(ca.certDer);
  });

  it('accepts a good RSA and EC certificate for both purposes and returns the chain', async () => {
    for (const keyType of ['rsa-2048', 'ec-p256'] as const) {
      const issued = await ca.issueEmailCertificate('Alice@Example.test', { keyType });
      const cert = readCertificate(issued.certDer);
      for (const purpose of ['encrypt', 'sign'] as const) {
        const result = await checkCertificate(cert, {
          purpose,
          address: 'alice@example.test',
          trustAnchors: [anchor],
        });
        expect(result.chain.map((c) => c.subject)).toEqual([cert.subject, anchor.subject]);
      }
    }
  });

  // Regression: pkijs validates the LAST certificate of its list, so with the leaf first a
  // certificate from an unknown CA passed whenever a trusted certificate was among the
  // intermediates (e.g. any other certificate placed in a forged SignedData).
  it('validates the leaf, not a trusted certificate given among the intermediates', async () => {
    const stranger = await TestCa.create({ name: 'Unknown CA' });
    const forged = readCertificate(
      (await stranger.issueEmailCertificate('bob@example.test', { keyType: 'ec-p256' })).certDer,
    );
    const genuine = readCertificate(
      (await ca.issueEmailCertificate('bob@example.test', { keyType: 'ec-p256' })).certDer,
    );
    for (const purpose of ['encrypt', 'sign'] as const) {
      await expect(
        checkCertificate(forged, { purpose, trustAnchors: [anchor], intermediates: [genuine] }),
      ).rejects.toMatchObject({ code: 'ESMIME_CERT_UNTRUSTED' });
    }
  });

  it.each([
    ['untrusted issuer', { selfSigned: true }, {}, 'ESMIME_CERT_UNTRUSTED'],
    [
      'expired',
      { notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) },
      {},
      'ESMIME_CERT_EXPIRED',
    ],
    [
      'not yet valid',
      { notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 10 * DAY) },
      {},
      'ESMIME_CERT_NOT_YET_VALID',
    ],
    ['wrong address', {}, { address: 'mallory@example.test' }, 'ESMIME_CERT_ADDRESS'],
    ['RSA 1024', { keyType: 'rsa-1024' }, {}, 'ESMIME_CERT_WEAK'],
    [
      'no emailProtection EKU',
      { extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] },
      {},
      'ESMIME_CERT_USAGE',
    ],
    ['sign-only key usage', { keyUsages: DIGITAL_SIGNATURE }, {}, 'ESMIME_CERT_USAGE'],
  ] as const)('refuses a certificate: %s', async (_name, issue, check, code) => {
    const issued = await ca.issueEmailCertificate('bob@example.test', {
      keyType: 'rsa-2048',
      ...issue,
    });
    await expect(
      checkCertificate(readCertificate(issued.certDer), {
        purpose: 'encrypt',
        address: 'bob@example.test',
        trustAnchors: [anchor],
        ...check,
      }),
    ).rejects.toMatchObject({ code });
  });

  it('refuses an encrypt-only key for signing', async () => {
    const issued = await ca.issueEmailCertificate('bob@example.test', {
      keyUsages: KEY_ENCIPHERMENT,
    });
    await expect(
      checkCertificate(readCertificate(issued.certDer), {
        purpose: 'sign',
        trustAnchors: [anchor],
      }),
    ).rejects.toMatchObject({ code: 'ESMIME_CERT_USAGE' });
  });

  it('refuses a certificate issued by another CA with the same name', async () => {
    const impostor = await TestCa.create();
    const issued = await impostor.issueEmailCertificate('bob@example.test', { keyType: 'ec-p256' });
    await expect(
      checkCertificate(readCertificate(issued.certDer), {
        purpose: 'sign',
        trustAnchors: [anchor],
      }),
    ).rejects.toMatchObject({ code: 'ESMIME_CERT_UNTRUSTED' });
  });
});

// CMS structure without a key: what `sealpost inspect` shows of an S/MIME message.
import { openssl, sharedTestCa, tempFiles } from '@sealpost/testkit';
import { describe, expect, it } from 'vitest';
import { readCertificate } from '../certificate.js';
import { encryptCms } from '../cms/encrypt-cms.js';
import { algorithmName } from './algorithm-name.js';
import { cmsContentType, describeEnvelope, describeSignedData } from './cms-structure.js';

const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nhi\r\n');

describe('CMS structure', () => {
  it('lists an issuer-and-serial RecipientInfo of AuthEnvelopedData', async () => {
    const ca = await sharedTestCa();
    const cert = readCertificate(
      (await ca.issueEmailCertificate('b@example.org', { keyType: 'rsa-2048' })).certPem,
    );
    const der = await encryptCms(content, [{ certificate: cert }]);
    expect(cmsContentType(der)).toBe('authEnvelopedData');
    const facts = describeEnvelope(der);
    expect(facts).toMatchObject({
      structure: 'authEnvelopedData',
      contentEncryption: algorithmName('2.16.840.1.101.3.4.1.46'),
      recipients: [{ type: 'ktri', issuer: cert.issuer, serialNumber: cert.serialNumber }],
    });
    expect(() => describeSignedData(der)).toThrow(/is not SignedData/);
  });

  it('shows a subject-key-identifier RecipientInfo (openssl cms -keyid)', async () => {
    const ca = await sharedTestCa();
    const cert = await ca.issueEmailCertificate('b@example.org', { keyType: 'rsa-2048' });
    const files = await tempFiles();
    try {
      const der = await openssl([
        'cms',
        '-encrypt',
        '-keyid',
        '-aes-128-cbc',
        '-outform',
        'DER',
        '-in',
        await files.write('in.txt', content),
        await files.write('cert.pem', cert.certPem),
      ]);
      const facts = describeEnvelope(new Uint8Array(der));
      expect(facts.structure).toBe('envelopedData');
      expect(facts.recipients).toEqual([
        {
          type: 'ktri',
          subjectKeyIdentifier: expect.stringMatching(/^[0-9a-f]{40}$/),
          keyEncryption: expect.stringMatching(/rsaEncryption/),
        },
      ]);
      expect(facts.contentEncryption).toMatch(/aes128-CBC/);
    } finally {
      await files.dispose();
    }
  });

  it('names the signer of a SignedData by its certificate subject and signing time', async () => {
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
        await files.write('in.txt', content),
      ]);
      const bytes = new Uint8Array(der);
      expect(cmsContentType(bytes)).toBe('signedData');
      expect(describeSignedData(bytes)).toEqual([
        expect.objectContaining({
          certificateSubject: 'CN=a@example.org',
          signatureAlgorithm: expect.stringMatching(/ecdsa-with-SHA256/),
          signingTime: expect.any(String),
        }),
      ]);
      expect(() => describeEnvelope(bytes)).toThrow(/is not \(Auth\)EnvelopedData/);
    } finally {
      await files.dispose();
    }
  });

  it('refuses bytes that are not BER', () => {
    expect(() => cmsContentType(new Uint8Array([1, 2, 3]))).toThrow();
  });
});

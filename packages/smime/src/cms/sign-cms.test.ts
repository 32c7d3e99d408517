import { sharedTestCa, TestCa } from '@sealpost/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCertificate, type SmimeCertificate } from '../certificate.js';
import { readPrivateKey } from '../private-key.js';
import { signCms } from './sign-cms.js';
import { verifyCms } from './verify-cms.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('signCms / verifyCms', () => {
  let ca: TestCa;
  let anchor: SmimeCertificate;
  beforeAll(async () => {
    ca = await sharedTestCa();
    anchor = readCertificate(ca.certDer);
  });

  it.each([
    ['rsa-2048', true],
    ['ec-p256', false],
    ['ec-p384', true],
  ] as const)('%s detached=%s: valid, with signing time and chain', async (keyType, detached) => {
    const issued = await ca.issueEmailCertificate('s@example.test', { keyType });
    const certificate = readCertificate(issued.certDer);
    const content = text('Content-Type: text/plain\r\n\r\nsigned\r\n');
    const signingTime = new Date(Date.UTC(2026, 10, 27, 12, 0, 0));
    const der = await signCms(content, {
      certificate,
      privateKey: readPrivateKey(issued.keyPem),
      chain: [anchor],
      detached,
      signingTime,
    });
    const result = await verifyCms(der, {
      ...(detached ? { detachedContent: content } : {}),
      trustAnchors: [anchor],
      signerAddress: 's@example.test',
    });
    expect(result.content).toEqual(content);
    expect(result.signers).toHaveLength(1);
    const [signer] = result.signers;
    expect(signer!.error).toBeUndefined();
    expect(signer!.status).toBe('valid');
    expect(signer!.signingTime).toEqual(signingTime);
    expect(signer!.chain!.map((c) => c.subject)).toEqual([certificate.subject, anchor.subject]);
  });

  it('reports a modified detached body and an untrusted signer as invalid', async () => {
    const issued = await ca.issueEmailCertificate('s@example.test', { keyType: 'ec-p256' });
    const certificate = readCertificate(issued.certDer);
    const der = await signCms(text('original'), {
      certificate,
      privateKey: readPrivateKey(issued.keyPem),
      detached: true,
    });
    const modified = await verifyCms(der, {
      detachedContent: text('Original'),
      trustAnchors: [anchor],
    });
    expect(modified.signers[0]).toMatchObject({
      status: 'invalid',
      error: { code: 'ESMIME_SIGNATURE_INVALID' },
    });
    const other = await TestCa.create({ name: 'other' });
    const untrusted = await verifyCms(der, {
      detachedContent: text('original'),
      trustAnchors: [readCertificate(other.certDer)],
    });
    expect(untrusted.signers[0]).toMatchObject({
      status: 'invalid',
      error: { code: 'ESMIME_CERT_UNTRUSTED' },
    });
  });
});

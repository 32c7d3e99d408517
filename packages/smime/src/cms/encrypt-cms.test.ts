import { sharedTestCa } from '@sealpost/testkit';
import { describe, expect, it } from 'vitest';
import { readCertificate } from '../certificate.js';
import { rsaRawDecrypt } from '../node/rsa-raw-decrypt.js';
import { OID } from '../oids.js';
import { readPrivateKey } from '../private-key.js';
import { decryptCms } from './decrypt-cms.js';
import { encryptCms } from './encrypt-cms.js';

describe('encryptCms / decryptCms round trip', () => {
  it.each([
    ['aes-256-gcm', 'oaep', 'rsa-2048'],
    ['aes-256-gcm', 'pkcs1v15', 'rsa-2048'],
    ['aes-256-cbc', 'oaep', 'rsa-2048'],
    ['aes-256-gcm', 'oaep', 'ec-p256'],
    ['aes-256-cbc', 'oaep', 'ec-p384'],
  ] as const)('%s, %s, %s', async (contentEncryption, rsaPadding, keyType) => {
    const ca = await sharedTestCa();
    const issued = await ca.issueEmailCertificate('r@example.test', { keyType });
    const other = await ca.issueEmailCertificate('o@example.test', { keyType: 'ec-p256' });
    const certificate = readCertificate(issued.certDer);
    const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nhello\r\n');
    const der = await encryptCms(content, [readCertificate(other.certDer), certificate], {
      contentEncryption,
      rsaPadding,
    });
    const result = await decryptCms(der, {
      certificate,
      privateKey: readPrivateKey(issued.keyPem),
      rsaRawDecrypt,
    });
    expect(new TextDecoder().decode(result.content)).toBe(new TextDecoder().decode(content));
    expect(result.structure).toBe(
      contentEncryption === 'aes-256-gcm' ? 'authEnvelopedData' : 'envelopedData',
    );
    expect(result.contentEncryptionOid).toBe(
      contentEncryption === 'aes-256-gcm' ? OID.aes256Gcm : OID.aes256Cbc,
    );
  });
});

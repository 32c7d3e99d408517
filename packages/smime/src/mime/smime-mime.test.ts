import { decodeBody, getHeader, parseContentType, splitMessage } from '@sealpost/compose';
import { sharedTestCa, type TestCa } from '@sealpost/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCertificate, type SmimeCertificate } from '../certificate.js';
import { rsaRawDecrypt } from '../node/rsa-raw-decrypt.js';
import { readPrivateKey } from '../private-key.js';
import { decryptMime } from './decrypt-mime.js';
import { encryptMime } from './encrypt-mime.js';
import { signMime } from './sign-mime.js';
import { verifyMime } from './verify-mime.js';

const MESSAGE = [
  'From: Alice <alice@example.test>',
  'To: bob@example.test',
  'Subject: Quarterly numbers',
  'Date: Fri, 27 Nov 2026 12:00:00 +0000',
  'Message-ID: <m1@example.test>',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Grüße — the numbers are in.',
  'From here on, trailing space: ',
  '',
].join('\n');

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('S/MIME messages', () => {
  let ca: TestCa;
  let anchor: SmimeCertificate;
  let alice: { certificate: SmimeCertificate; privateKey: ReturnType<typeof readPrivateKey> };
  let bob: typeof alice;
  beforeAll(async () => {
    ca = await sharedTestCa();
    anchor = readCertificate(ca.certDer);
    const a = await ca.issueEmailCertificate('alice@example.test', { keyType: 'ec-p256' });
    const b = await ca.issueEmailCertificate('bob@example.test', { keyType: 'rsa-2048' });
    alice = { certificate: readCertificate(a.certDer), privateKey: readPrivateKey(a.keyPem) };
    bob = { certificate: readCertificate(b.certDer), privateKey: readPrivateKey(b.keyPem) };
  });

  it('signs detached with a 7-bit signed part, protected headers and micalg', async () => {
    const signed = await signMime(new TextEncoder().encode(MESSAGE), { ...alice, chain: [anchor] });
    const { entity } = splitMessage(signed);
    const ct = parseContentType(getHeader(entity, 'Content-Type')!);
    expect(ct.mediaType).toBe('multipart/signed');
    expect(ct.params).toMatchObject({ protocol: 'application/pkcs7-signature', micalg: 'sha-256' });
    expect([...entity.body].every((b) => b < 0x80)).toBe(true);
    const result = await verifyMime(signed, { trustAnchors: [anchor] });
    expect(result.signature.status).toBe('valid');
    expect(result.signature.signers[0]!.certificate!.subject).toBe(alice.certificate.subject);
    expect(result.hp).toBe('clear');
    expect(result.headers.find((h) => h.name === 'Subject')!.value).toBe('Quarterly numbers');
    expect(text(decodeBody(result.entity))).toContain('Grüße — the numbers are in.');
  });

  it('signs opaque and verifies', async () => {
    const signed = await signMime(new TextEncoder().encode(MESSAGE), {
      ...alice,
      format: 'opaque',
    });
    expect(text(signed)).toContain('smime-type=signed-data');
    const result = await verifyMime(signed, { trustAnchors: [anchor] });
    expect(result.signature).toMatchObject({ status: 'valid', format: 'opaque' });
  });

  it('flags a signer whose certificate does not name the From address', async () => {
    const signed = await signMime(new TextEncoder().encode(MESSAGE), { ...bob });
    const result = await verifyMime(signed, { trustAnchors: [anchor] });
    expect(result.signature.status).toBe('invalid');
    expect(result.signature.signers[0]!.error!.code).toBe('ESMIME_CERT_ADDRESS');
  });

  it.each(['aes-256-gcm', 'aes-256-cbc'] as const)(
    'signs then encrypts (%s) with the Subject hidden outside',
    async (contentEncryption) => {
      const encrypted = await encryptMime(new TextEncoder().encode(MESSAGE), {
        recipients: [bob.certificate, alice.certificate],
        contentEncryption,
        sign: { ...alice, chain: [anchor] },
      });
      const { messageHeaders, entity } = splitMessage(encrypted);
      expect(messageHeaders.find((h) => h.name === 'Subject')!.value).toBe('[...]');
      const ct = parseContentType(getHeader(entity, 'Content-Type')!);
      expect(ct.params['smime-type']).toBe(
        contentEncryption === 'aes-256-gcm' ? 'authEnveloped-data' : 'enveloped-data',
      );
      expect(ct.params.name).toBe('smime.p7m');
      expect(getHeader(entity, 'Content-Transfer-Encoding')).toBe('base64');
      expect(text(encrypted)).not.toContain('Quarterly');
      const result = await decryptMime(encrypted, {
        ...bob,
        trustAnchors: [anchor],
        rsaRawDecrypt,
      });
      expect(result.hp).toBe('cipher');
      expect(result.headers.find((h) => h.name === 'Subject')!.value).toBe('Quarterly numbers');
      expect(result.hpOuter).toContainEqual({ name: 'Subject', value: '[...]' });
      expect(result.signature?.status).toBe('valid');
      expect(text(decodeBody(result.entity))).toContain('Grüße — the numbers are in.');
    },
  );
});

import { createHash } from 'node:crypto';
import { decodeBody } from '@sealpost/compose';
import { sharedTestCa } from '@sealpost/testkit';
import { describe, expect, it } from 'vitest';
import { readCertificate } from '../certificate.js';
import { decryptMime } from '../mime/decrypt-mime.js';
import { verifyMime } from '../mime/verify-mime.js';
import { readPrivateKey } from '../private-key.js';
import { rsaRawDecrypt } from './rsa-raw-decrypt.js';
import { signEncryptMimeStream, signMimeStream } from './sign-mime-stream.js';
import { verifyDetachedDigest } from './verify-digest.js';

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/abcdefghijkl';
const body = `${Array.from({ length: 3000 }, (_, i) => `${line}${i}`).join('\r\n')}\r\n`;
const message = new TextEncoder().encode(
  `From: me@example.test\r\nTo: bob@example.test\r\nSubject: Signed big one\r\nContent-Type: text/plain\r\n\r\n${body}`,
);

describe('signMimeStream / signEncryptMimeStream', () => {
  it('signs a streamed message that verifyMime accepts, and its digest check agrees', async () => {
    const ca = await sharedTestCa();
    const me = await ca.issueEmailCertificate('me@example.test', { keyType: 'rsa-2048' });
    const sign = {
      certificate: readCertificate(me.certDer),
      privateKey: readPrivateKey(me.keyPem),
    };
    const signed = await collect(signMimeStream(() => chunks(message, 4099), sign));
    const anchors = [readCertificate(ca.certPem)];
    const result = await verifyMime(new Uint8Array(signed), { trustAnchors: anchors });
    expect(result.signature.signers.map((s) => s.status)).toEqual(['valid']);
    expect(new TextDecoder().decode(decodeBody(result.entity))).toBe(body);

    // verifyDetachedDigest: the same verdict from the first part's digest alone.
    const text = signed.toString('latin1');
    const boundary = /boundary="?([^";\r\n]+)"?/.exec(text)![1]!;
    const start = signed.indexOf(`--${boundary}\r\n`) + boundary.length + 4;
    const end = signed.indexOf(`\r\n--${boundary}`, start);
    const digest = createHash('sha256').update(signed.subarray(start, end)).digest();
    const der = Buffer.from(
      /filename=smime\.p7s[\s\S]*?\r\n\r\n([\s\S]*?)\r\n--/.exec(text)![1]!,
      'base64',
    );
    expect(
      await verifyDetachedDigest(der, digest, { ...sign, trustAnchors: anchors }),
    ).toBeUndefined();
    digest[0]! ^= 1;
    expect(await verifyDetachedDigest(der, digest, sign)).toMatch(/does not match/);
  });

  it('signs inside and encrypts a streamed message: decryptMime finds a valid signature', async () => {
    const ca = await sharedTestCa();
    const [me, bob] = await Promise.all([
      ca.issueEmailCertificate('me@example.test', { keyType: 'rsa-2048' }),
      ca.issueEmailCertificate('bob@example.test', { keyType: 'rsa-2048' }),
    ]);
    const bobCert = readCertificate(bob.certDer);
    const out = await collect(
      signEncryptMimeStream(() => chunks(message, 8191), {
        recipients: [bobCert],
        sign: { certificate: readCertificate(me.certDer), privateKey: readPrivateKey(me.keyPem) },
      }),
    );
    expect(out.toString('latin1')).toContain('Subject: [...]');
    const opened = await decryptMime(new Uint8Array(out), {
      certificate: bobCert,
      privateKey: readPrivateKey(bob.keyPem),
      rsaRawDecrypt,
      trustAnchors: [readCertificate(ca.certPem)],
    });
    expect(opened.signature?.signers.map((s) => s.status)).toEqual(['valid']);
    expect(opened.headers.find((h) => h.name === 'Subject')?.value).toBe('Signed big one');
    expect(new TextDecoder().decode(decodeBody(opened.entity))).toBe(body);
  });
});

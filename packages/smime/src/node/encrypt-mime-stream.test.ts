import { decodeBody } from '@sealpost/compose';
import { openssl, sharedTestCa, tempFiles } from '@sealpost/testkit';
import { describe, expect, it } from 'vitest';
import { readCertificate } from '../certificate.js';
import { decryptMime } from '../mime/decrypt-mime.js';
import { readPrivateKey } from '../private-key.js';
import { encryptMimeStream } from './encrypt-mime-stream.js';
import { rsaRawDecrypt } from './rsa-raw-decrypt.js';

async function* chunks(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let i = 0;
  for (let n = 0; i < bytes.length; n++) {
    const size = sizes[n % sizes.length]!;
    yield bytes.subarray(i, i + size);
    i += size;
  }
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe('encryptMimeStream', () => {
  it('streams a 300 KiB message (LF line ends, odd chunk borders) that we and openssl decrypt', async () => {
    const ca = await sharedTestCa();
    const issued = await ca.issueEmailCertificate('bob@example.test', { keyType: 'rsa-2048' });
    const certificate = readCertificate(issued.certDer);
    const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/abcdefghijkl';
    const body = `${Array.from({ length: 4000 }, (_, i) => `${line}${i}`).join('\n')}\n`;
    const message = new TextEncoder().encode(
      `From: alice@example.test\nTo: bob@example.test\nSubject: Big one\nContent-Type: text/plain\n\n${body}`,
    );
    const encrypted = await collect(
      // 200,003 octets: a segment longer than one native base64 call (65,493 octets).
      encryptMimeStream(chunks(message, [1, 7, 4096, 65_537, 13, 200_003]), {
        recipients: [certificate],
      }),
    );
    const base64 = encrypted.toString('latin1').split('\r\n\r\n')[1]!.split('\r\n');
    expect(base64.pop()).toBe('');
    expect(base64.slice(0, -1).every((l) => /^[A-Za-z0-9+/]{76}$/.test(l))).toBe(true);
    expect(encrypted.toString('latin1')).toContain('Subject: [...]');
    expect(
      encrypted
        .toString('latin1')
        .split('\r\n')
        .every((l) => l.length <= 998),
    ).toBe(true);
    const ours = await decryptMime(encrypted, {
      certificate,
      privateKey: readPrivateKey(issued.keyPem),
      rsaRawDecrypt,
    });
    expect(ours.headers.find((h) => h.name === 'Subject')?.value).toBe('Big one');
    expect(new TextDecoder().decode(decodeBody(ours.entity))).toBe(body.replaceAll('\n', '\r\n'));

    const files = await tempFiles();
    try {
      const out = await openssl([
        'cms',
        '-decrypt',
        '-in',
        await files.write('enc.eml', encrypted),
        '-recip',
        await files.write('bob.pem', issued.certPem),
        '-inkey',
        await files.write('bob.key', issued.keyPem),
      ]);
      expect(out.toString('utf8')).toContain(`${line}3999`);
    } finally {
      await files.dispose();
    }
  });

  it('canonicalizes CRLF, bare LF and bare CR split across 1–3 byte chunks', async () => {
    const { canonicalizeLineEnds } = await import('@sealpost/compose');
    const ca = await sharedTestCa();
    const issued = await ca.issueEmailCertificate('bob@example.test', { keyType: 'ec-p256' });
    const certificate = readCertificate(issued.certDer);
    const body = 'a\r\nb\nc\rd\r\r\n\n\re\r\n';
    const message = new TextEncoder().encode(
      `Subject: x\r\nContent-Type: text/plain\r\n\r\n${body}`,
    );
    for (const sizes of [[1], [2], [3], [1, 2]]) {
      const encrypted = await collect(
        encryptMimeStream(chunks(message, sizes), { recipients: [certificate] }),
      );
      const result = await decryptMime(encrypted, {
        certificate,
        privateKey: readPrivateKey(issued.keyPem),
      });
      expect(decodeBody(result.entity)).toEqual(
        canonicalizeLineEnds(new TextEncoder().encode(body)),
      );
    }
  });
});

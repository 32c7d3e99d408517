import { decodeBody, parseMultipart, splitMessage } from '@sealpost/compose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../keys/generate-key.js';
import { signMimeStream, verifyDetachedStream } from './sign-mime-stream.js';
import { verifyMime } from './verify-mime.js';

const enc = new TextEncoder();

function streamOf(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(i, i + size));
      i += size;
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const reader = stream.getReader(); ; ) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('signMimeStream', () => {
  let me: GeneratedKey;
  let stranger: GeneratedKey;
  beforeAll(async () => {
    [me, stranger] = await Promise.all([
      generateKey({ userIds: [{ email: 'me@example.org' }] }),
      generateKey({ userIds: [{ email: 'x@example.org' }] }),
    ]);
  });

  const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/abcdefghijkl';
  const body = `${Array.from({ length: 3000 }, (_, i) => `${line}${i}`).join('\r\n')}\r\n`;
  const message = enc.encode(
    `From: me@example.org\r\nTo: a@example.org\r\nSubject: Signed\r\nContent-Type: text/plain\r\n\r\n${body}`,
  );

  it('makes RFC 3156 multipart/signed that verifyMime and verifyDetachedStream accept', async () => {
    const signed = await collect(
      await signMimeStream(() => streamOf(message, 5003), { signingKey: me.privateKey }),
    );
    const opened = await verifyMime(signed, {
      verificationKeys: [me.publicKey],
      checkSenderAddress: false,
    });
    expect(opened.signatures.map((s) => s.status)).toEqual(['valid']);
    expect(new TextDecoder().decode(decodeBody(opened.entity))).toBe(body);

    const { entity } = splitMessage(signed);
    const [content, signature] = parseMultipart(entity).parts;
    const armored = new TextDecoder().decode(decodeBody(signature!.entity));
    const ok = await verifyDetachedStream(streamOf(content!.raw, 777), armored, [me.publicKey]);
    expect(ok.map((s) => s.status)).toEqual(['valid']);
    const wrong = await verifyDetachedStream(streamOf(content!.raw, 777), armored, [
      stranger.publicKey,
    ]);
    expect(wrong.some((s) => s.status === 'valid')).toBe(false);
  });
});

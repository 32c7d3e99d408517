import { decodeBody } from '@sealpost/compose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../keys/generate-key.js';
import { decryptMime } from './decrypt-mime.js';
import { encryptMimeStream } from './encrypt-mime-stream.js';

const enc = new TextEncoder();

function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
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

describe('encryptMimeStream', () => {
  let alice: GeneratedKey;
  let bob: GeneratedKey;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([
      generateKey({ userIds: [{ email: 'alice@example.org' }] }),
      generateKey({ userIds: [{ email: 'bob@example.org' }] }),
    ]);
  });

  it('produces a PGP/MIME message that decrypts to the canonical input, headers protected', async () => {
    const line = `${'QUJD'.repeat(19)}\n`; // bare LF on purpose: the stream must canonicalize
    const body = line.repeat(5000);
    const whole = enc.encode(
      `From: alice@example.org\nTo: bob@example.org\nSubject: Big file\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n${body}`,
    );
    // Odd chunk sizes so header end and CR/LF pairs fall across chunk boundaries.
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < whole.length; i += 997) chunks.push(whole.subarray(i, i + 997));
    const out = await collect(
      await encryptMimeStream(streamOf(chunks), {
        recipientKeys: [bob.publicKey],
        signingKey: alice.privateKey,
      }),
    );
    const text = new TextDecoder().decode(out);
    expect(text).toMatch(
      /^From: alice@example.org\r\nTo: bob@example.org\r\nSubject: \[\.\.\.\]\r\n/,
    );
    expect(text).not.toMatch(/[^\r]\n/);
    const opened = await decryptMime(out, {
      decryptionKeys: [bob.privateKey],
      verificationKeys: [alice.publicKey],
    });
    expect(opened.signatures).toMatchObject([{ status: 'valid' }]);
    expect(opened.headers.find((h) => h.name === 'Subject')?.value).toBe('Big file');
    expect(new TextDecoder().decode(opened.entity.body)).toBe(body.replaceAll('\n', '\r\n'));
    expect(decodeBody(opened.entity).length).toBe(57 * 5000);
  });
});

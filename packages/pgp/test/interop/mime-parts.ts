/** Test helper: pull the OpenPGP data out of our PGP/MIME output for an external tool. */
import { decodeBody, parseEntity, parseMultipart } from '@sealpost/compose';

export const sampleMessage = new TextEncoder().encode(
  [
    'From: Alice <alice@example.org>',
    'To: Bob <bob@example.org>',
    'Subject: Interop check',
    'Date: Fri, 27 Nov 2026 18:00:00 +0000',
    'Message-ID: <interop@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mixed-1"',
    '',
    '--mixed-1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße from sealpost.',
    '--mixed-1',
    'Content-Type: application/octet-stream; name="data.bin"',
    'Content-Disposition: attachment; filename="data.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    'AAECAwQFBgcICQ==',
    '--mixed-1--',
    '',
  ].join('\r\n'),
);

/** The armored OpenPGP message of a multipart/encrypted message. */
export function encryptedPart(message: Uint8Array): Uint8Array {
  const { parts } = parseMultipart(parseEntity(message));
  return decodeBody(parts[1]!.entity);
}

/** The signed bytes (exactly as covered) and the armored signature of a multipart/signed message. */
export function signedParts(message: Uint8Array): { signed: Uint8Array; signature: Uint8Array } {
  const { parts } = parseMultipart(parseEntity(message));
  return { signed: parts[0]!.raw, signature: decodeBody(parts[1]!.entity) };
}

export const text = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * A CRLF message with a base64 body of `lines` 76-character lines, cut into chunks of odd
 * sizes so that header end, CRLF pairs and the armor's 48-octet lines fall across borders.
 */
export function largeMessageChunks(lines: number): { whole: Uint8Array; chunks: Uint8Array[] } {
  const body = Array.from({ length: lines }, (_, i) =>
    String(i).padStart(8, '0').repeat(9).concat('QUJD'),
  ).join('\r\n');
  const whole = new TextEncoder().encode(
    `From: alice@example.org\r\nTo: bob@example.org\r\nSubject: Large\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`,
  );
  const chunks: Uint8Array[] = [];
  for (let at = 0, i = 0; at < whole.length; i++) {
    const size = [47, 48, 49, 65_536, 1, 30_011][i % 6]!;
    chunks.push(whole.subarray(at, at + size));
    at += size;
  }
  return { whole, chunks };
}

/** A Web stream of the chunks, one per pull. */
export function streamOfChunks(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
    },
  });
}

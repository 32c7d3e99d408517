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

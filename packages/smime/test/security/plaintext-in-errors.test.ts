/**
 * Errors must not quote decrypted plaintext: a malformed inner entity fails with its code,
 * but neither the message, the details nor the cause chain carries any of its text.
 */
import { joinMessage } from '@sealpost/compose';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptCms } from '../../src/cms/encrypt-cms.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { pkcs7MimeEntity } from '../../src/mime/smime-entity.js';
import { rsaRawDecrypt } from '../../src/node/rsa-raw-decrypt.js';
import { type Fixtures, fixtures } from '../fixtures.js';

const MARKER = 'SECRET-MARKER-4711';

/** Everything an error can show: message, JSON, details and every cause, stringified. */
function everythingIn(error: unknown): string {
  const seen: string[] = [];
  for (let e = error as Error | undefined, i = 0; e && i < 10; e = e.cause as Error, i++) {
    seen.push(String(e), e.message ?? '', e.stack ?? '', JSON.stringify(e));
    seen.push(JSON.stringify((e as { details?: unknown }).details ?? null));
  }
  return seen.join('\n');
}

let f: Fixtures;
beforeAll(async () => {
  f = await fixtures();
});

async function failureOf(inner: string): Promise<unknown> {
  const der = await encryptCms(new TextEncoder().encode(inner), [f.bob.rsa.certificate]);
  const message = joinMessage(
    [{ name: 'From', value: 'alice@example.test' }],
    pkcs7MimeEntity('authEnveloped-data', der),
  );
  return decryptMime(message, { ...f.bob.rsa, rsaRawDecrypt, trustAnchors: [f.anchor] }).then(
    () => {
      throw new Error('decryptMime accepted the malformed entity');
    },
    (error: unknown) => error,
  );
}

describe('a malformed decrypted entity', () => {
  it.each([
    ['a header line without a colon', `Content-Type: text/plain\r\n${MARKER} here\r\n\r\nx\r\n`],
    [
      'a multipart/signed without parts (boundary quoted by the parser)',
      `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="${MARKER}"\r\n\r\nno parts\r\n`,
    ],
    [
      'a signature part with an unknown transfer encoding',
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="b"\r\n\r\n' +
        '--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\n' +
        `Content-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: ${MARKER}\r\n\r\nAA==\r\n--b--\r\n`,
    ],
  ])('with %s fails without quoting it', async (_name, inner) => {
    const error = await failureOf(inner);
    expect(error).toMatchObject({ name: 'SealpostError' });
    // Parsers may lower-case what they quote: compare without case.
    expect(everythingIn(error).toLowerCase()).not.toContain(MARKER.toLowerCase());
  });
});

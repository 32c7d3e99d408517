/**
 * Errors must not quote decrypted plaintext: a malformed inner entity fails with its code,
 * but neither the message, the details nor the cause chain carries any of its text.
 */
import { joinMessage } from '@sealpost/compose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import { encryptMessage } from '../../src/message/encrypt-message.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptedWrapper } from '../../src/mime/encrypt-mime.js';

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

let bob: GeneratedKey;
beforeAll(async () => {
  bob = await generateKey({ userIds: [{ email: 'bob@example.org' }] });
});

async function failureOf(inner: string): Promise<unknown> {
  const armored = await encryptMessage(new TextEncoder().encode(inner), {
    recipientKeys: [bob.publicKey],
  });
  const message = joinMessage([], encryptedWrapper(armored));
  return decryptMime(message, { decryptionKeys: [bob.privateKey] }).then(
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
      `Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary="${MARKER}"\r\n\r\nno parts\r\n`,
    ],
  ])('with %s fails as EPGP_FORMAT without quoting it', async (_name, inner) => {
    const error = await failureOf(inner);
    expect(error).toMatchObject({ code: 'EPGP_FORMAT' });
    // Parsers may lower-case what they quote: compare without case.
    expect(everythingIn(error).toLowerCase()).not.toContain(MARKER.toLowerCase());
  });
});

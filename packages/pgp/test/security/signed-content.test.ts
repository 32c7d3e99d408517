/**
 * The OpenPGP side of signed content confusion (CVE-2018-18509 class, "Johnny, You Are
 * Fired!" §5): a multipart/signed whose signature part is a whole signed message over other
 * text must never make the first part "valid"; the signature is always checked over the first
 * part's bytes (RFC 3156 §5).
 */
import { createMultipart, joinMessage, parseEntity } from '@sealpost/compose';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import { verifyMime } from '../../src/mime/verify-mime.js';

const enc = new TextEncoder();
const SHOWN = 'Content-Type: text/plain\r\n\r\nPlease pay 1000 EUR to Mallory.\r\n';

let alice: GeneratedKey;
beforeAll(async () => {
  alice = await generateKey({ userIds: [{ email: 'alice@example.org' }] });
});

function multipartSigned(signaturePart: Uint8Array | string): Uint8Array {
  const signed = createMultipart(
    'signed',
    [
      parseEntity(enc.encode(SHOWN)),
      {
        headers: [{ name: 'Content-Type', value: 'application/pgp-signature' }],
        body: typeof signaturePart === 'string' ? enc.encode(signaturePart) : signaturePart,
      },
    ],
    { params: { protocol: 'application/pgp-signature', micalg: 'pgp-sha256' } },
  );
  return joinMessage([{ name: 'From', value: 'alice@example.org' }], signed);
}

describe('a signature part that carries its own signed content', () => {
  it.each(['armored', 'binary'] as const)(
    'a %s signed message over other text is refused (EPGP_FORMAT)',
    async (format) => {
      const other = await openpgp.createMessage({ binary: enc.encode('See you at lunch.\r\n') });
      const signedMessage =
        format === 'armored'
          ? await openpgp.sign({ message: other, signingKeys: alice.privateKey, format: 'armored' })
          : await openpgp.sign({ message: other, signingKeys: alice.privateKey, format: 'binary' });
      // openpgp.js reads only signature packets here: the literal data makes it unreadable.
      await expect(
        verifyMime(multipartSigned(signedMessage), { verificationKeys: [alice.publicKey] }),
      ).rejects.toMatchObject({ code: 'EPGP_FORMAT' });
    },
  );
});

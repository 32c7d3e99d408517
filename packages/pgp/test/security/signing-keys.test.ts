/** Expired and revoked signing keys: refused when signing, and not trusted when verifying. */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import { type PrivateKey, readPublicKey } from '../../src/keys/read-keys.js';
import { encryptMime } from '../../src/mime/encrypt-mime.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { verifyMime } from '../../src/mime/verify-mime.js';

const messageFrom = (from: string) =>
  new TextEncoder().encode(
    `From: ${from}\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nhi\r\n`,
  );
const message = messageFrom('alice@example.org');
const DAY = 86_400_000;

describe('signing keys that must not sign', () => {
  let expired: GeneratedKey;
  let revokedPrivate: PrivateKey;
  let bob: GeneratedKey;
  beforeAll(async () => {
    expired = await generateKey({
      userIds: [{ email: 'alice@example.org' }],
      date: new Date(Date.now() - 10 * DAY),
      expiresInSeconds: 86_400,
    });
    const fresh = await generateKey({ userIds: [{ email: 'alice@example.org' }] });
    revokedPrivate = (await openpgp.revokeKey({ key: fresh.privateKey, format: 'object' }))
      .privateKey;
    bob = await generateKey({ userIds: [{ email: 'bob@example.org' }] });
  });

  it('refuses to sign with an expired key', async () => {
    await expect(signMime(message, { signingKey: expired.privateKey })).rejects.toMatchObject({
      code: 'EKEY_EXPIRED',
    });
    await expect(
      encryptMime(message, { recipientKeys: [bob.publicKey], signingKey: expired.privateKey }),
    ).rejects.toMatchObject({ code: 'EKEY_EXPIRED' });
  });

  it('refuses to sign with a revoked key', async () => {
    await expect(signMime(message, { signingKey: revokedPrivate })).rejects.toMatchObject({
      code: 'EKEY_REVOKED',
    });
  });

  it('refuses to encrypt to a revoked or expired recipient key', async () => {
    await expect(
      encryptMime(message, { recipientKeys: [expired.publicKey] }),
    ).rejects.toMatchObject({ code: 'EKEY_EXPIRED' });
    await expect(
      encryptMime(message, { recipientKeys: [revokedPrivate.toPublic()] }),
    ).rejects.toMatchObject({ code: 'EKEY_REVOKED' });
  });

  it('a signature made before the key was revoked is invalid once it is revoked', async () => {
    const key = await generateKey({ userIds: [{ email: 'carol@example.org' }] });
    const signed = await signMime(messageFrom('carol@example.org'), { signingKey: key.privateKey });
    const before = await verifyMime(signed, { verificationKeys: [key.publicKey] });
    expect(before.signatures[0]!.status).toBe('valid');
    const { publicKey } = await openpgp.revokeKey({
      key: key.privateKey,
      reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keyCompromised },
      format: 'armored',
    });
    const after = await verifyMime(signed, { verificationKeys: [await readPublicKey(publicKey)] });
    expect(after.signatures[0]!.status).toBe('invalid');
  });

  it('a signature made while the key was valid stays valid after it expires', async () => {
    const created = new Date(Date.now() - 10 * DAY);
    const key = await generateKey({
      userIds: [{ email: 'dave@example.org' }],
      date: created,
      expiresInSeconds: 86_400,
    });
    const signed = await signMime(messageFrom('dave@example.org'), {
      signingKey: key.privateKey,
      date: new Date(created.getTime() + 60_000),
    });
    const opened = await verifyMime(signed, { verificationKeys: [key.publicKey] });
    expect(opened.signatures[0]!.status).toBe('valid');
  });
});

/**
 * A signature vouches for the sender only when the signing key names the From address
 * ("Johnny, You Are Fired!", USENIX Security 2019, §4 ID attacks): a message From alice@
 * signed by Eve's key is invalid (EPGP_SIGNER_ADDRESS), and a sender that is not one
 * mailbox (RFC 5322 §3.6) is refused (ESENDER_AMBIGUOUS / ESENDER_MISSING).
 */
import { joinMessage, parseEntity, splitMessage } from '@sealpost/compose';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import { readPublicKey } from '../../src/keys/read-keys.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptMime } from '../../src/mime/encrypt-mime.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { verifyMime } from '../../src/mime/verify-mime.js';

const enc = new TextEncoder();
const messageFrom = (...from: string[]) =>
  enc.encode(
    `${from.map((f) => `From: ${f}\r\n`).join('')}To: bob@example.org\r\nSubject: Pay\r\n` +
      'Content-Type: text/plain\r\n\r\nPlease pay 1000 EUR to account 6666.\r\n',
  );

let alice: GeneratedKey;
let eve: GeneratedKey;
let bob: GeneratedKey;
beforeAll(async () => {
  [alice, eve, bob] = await Promise.all([
    generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }] }),
    generateKey({ userIds: [{ name: 'Eve', email: 'eve@evil.example' }] }),
    generateKey({ userIds: [{ email: 'bob@example.org' }] }),
  ]);
});

const keys = () => ({ verificationKeys: [alice.publicKey, eve.publicKey] });
const bobKeys = () => ({ decryptionKeys: [bob.privateKey], ...keys() });

describe('the signing key must name the From address', () => {
  it("a message From alice@ signed by Eve's key is invalid", async () => {
    const signed = await signMime(messageFrom('Alice <alice@example.org>'), {
      signingKey: eve.privateKey,
    });
    const opened = await verifyMime(signed, keys());
    expect(opened.signatures).toMatchObject([
      {
        status: 'invalid',
        code: 'EPGP_SIGNER_ADDRESS',
        signerFingerprint: eve.fingerprint,
        userIds: ['Eve <eve@evil.example>'],
        addresses: [],
      },
    ]);
  });

  it('the same inside an encrypted message (signature in the OpenPGP message, RFC 3156 §6.2)', async () => {
    const encrypted = await encryptMime(messageFrom('alice@example.org'), {
      recipientKeys: [bob.publicKey],
      signingKey: eve.privateKey,
    });
    const opened = await decryptMime(encrypted, bobKeys());
    expect(opened.signatures).toMatchObject([{ status: 'invalid', code: 'EPGP_SIGNER_ADDRESS' }]);
  });

  it('the same signed first, then encrypted (multipart/signed inside, RFC 3156 §6.1)', async () => {
    const signed = await signMime(messageFrom('alice@example.org'), {
      signingKey: eve.privateKey,
      headerProtection: false,
    });
    const { messageHeaders, entity } = splitMessage(signed);
    const inner = await encryptMime(joinMessage([], entity), { recipientKeys: [bob.publicKey] });
    const opened = await decryptMime(joinMessage(messageHeaders, parseEntity(inner)), bobKeys());
    expect(opened.signatures).toMatchObject([{ status: 'invalid', code: 'EPGP_SIGNER_ADDRESS' }]);
  });

  it("alice's own signature is valid, with her user IDs and the matched address", async () => {
    // The domain compares case-insensitively.
    const signed = await signMime(messageFrom('Alice <alice@EXAMPLE.org>'), {
      signingKey: alice.privateKey,
    });
    expect((await verifyMime(signed, keys())).signatures).toMatchObject([
      {
        status: 'valid',
        userIds: ['Alice <alice@example.org>'],
        addresses: ['alice@example.org'],
      },
    ]);
  });

  it('a revoked user ID with the From address does not count', async () => {
    const both = await generateKey({
      userIds: [{ email: 'alice@example.org' }, { email: 'old@example.org' }],
    });
    const key = both.privateKey;
    const old = key.users.find((u) => u.userID?.email === 'old@example.org')!;
    const revoked = await old.revoke(key.keyPacket as openpgp.SecretKeyPacket, {
      flag: openpgp.enums.reasonForRevocation.userIDInvalid,
    });
    old.revocationSignatures.push(...revoked.revocationSignatures);
    const publicKey = await readPublicKey(key.toPublic().armor());
    const signed = await signMime(messageFrom('old@example.org'), { signingKey: key });
    expect((await verifyMime(signed, { verificationKeys: [publicKey] })).signatures).toMatchObject([
      { status: 'invalid', code: 'EPGP_SIGNER_ADDRESS' },
    ]);
    const fromCurrent = await signMime(messageFrom('alice@example.org'), { signingKey: key });
    expect(
      (await verifyMime(fromCurrent, { verificationKeys: [publicKey] })).signatures,
    ).toMatchObject([{ status: 'valid', addresses: ['alice@example.org'] }]);
  });

  it('checkSenderAddress: false skips the check (for a check of our own output)', async () => {
    const signed = await signMime(messageFrom('alice@example.org'), { signingKey: eve.privateKey });
    const opened = await verifyMime(signed, { ...keys(), checkSenderAddress: false });
    expect(opened.signatures).toMatchObject([{ status: 'valid', addresses: [] }]);
  });
});

describe('more than one From (RFC 5322 §3.6)', () => {
  it('two From fields are refused even when one matches the signer', async () => {
    const signed = await signMime(messageFrom('alice@example.org', 'eve@evil.example'), {
      signingKey: alice.privateKey,
      headerProtection: false,
    });
    expect((await verifyMime(signed, keys())).signatures).toMatchObject([
      { status: 'invalid', code: 'ESENDER_AMBIGUOUS' },
    ]);
  });

  it('one From with two mailboxes is refused', async () => {
    const signed = await signMime(messageFrom('alice@example.org, Eve <eve@evil.example>'), {
      signingKey: alice.privateKey,
    });
    expect((await verifyMime(signed, keys())).signatures).toMatchObject([
      { status: 'invalid', code: 'ESENDER_AMBIGUOUS' },
    ]);
  });

  it('inside an encrypted message, two From fields are refused too', async () => {
    const encrypted = await encryptMime(messageFrom('alice@example.org', 'eve@evil.example'), {
      recipientKeys: [bob.publicKey],
      signingKey: alice.privateKey,
    });
    const opened = await decryptMime(encrypted, bobKeys());
    expect(opened.signatures).toMatchObject([{ status: 'invalid', code: 'ESENDER_AMBIGUOUS' }]);
  });
});

// openMessage: one result shape for both schemes, keys in the OpenKeys shape, errors by code.
import { createMessage, toMime } from '@sealpost/compose';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { rsaRawDecrypt } from '@sealpost/smime/node';
import { sharedTestCa } from '@sealpost/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { messageProtection } from './message-protection.js';
import { NO_KEYS, type OpenKeys } from './open-keys.js';
import { openMessage } from './open-message.js';

const SUBJECT = 'Quarterly numbers';
let plain: Uint8Array;

beforeAll(async () => {
  plain = await toMime(
    createMessage({
      from: 'alice@example.org',
      to: 'bob@example.net',
      subject: SUBJECT,
      text: 'The numbers.',
    }),
  );
});

describe('openMessage', () => {
  it('decrypts PGP/MIME, checks the signature inside and shows the protected Subject', async () => {
    const [alice, bob] = await Promise.all([
      pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
      pgp.generateKey({ userIds: [{ email: 'bob@example.net' }] }),
    ]);
    const bytes = await pgp.encryptMime(plain, {
      recipientKeys: [bob.publicKey],
      signingKey: alice.privateKey,
    });
    expect(messageProtection(bytes)).toMatchObject({ scheme: 'pgp', kind: 'encrypted' });
    const keys: OpenKeys = {
      ...NO_KEYS,
      pgpPrivateKeys: [bob.privateKey],
      pgpPublicKeys: [alice.publicKey],
    };
    const opened = await openMessage(bytes, keys);
    expect(opened).toMatchObject({
      scheme: 'pgp',
      encrypted: true,
      encryption: null,
      headerProtection: 'cipher',
    });
    expect(opened.headers).toContainEqual({ name: 'Subject', value: SUBJECT });
    expect(opened.signatures).toEqual([expect.objectContaining({ status: 'valid' })]);
    await expect(openMessage(bytes, NO_KEYS)).rejects.toMatchObject({ code: 'EUSAGE' });
  });

  it('decrypts S/MIME with the identity the message is for, trying each in turn', async () => {
    const ca = await sharedTestCa();
    const [other, bob] = await Promise.all([
      ca.issueEmailCertificate('other@example.net', { keyType: 'rsa-2048' }),
      ca.issueEmailCertificate('bob@example.net', { keyType: 'rsa-2048' }),
    ]);
    const identity = (issued: { certPem: string; keyPem: string }) => ({
      privateKey: smime.readPrivateKey(issued.keyPem),
      certificates: [smime.readCertificate(issued.certPem)],
    });
    const bytes = await smime.encryptMime(plain, {
      recipients: [smime.readCertificate(bob.certPem)],
    });
    const opened = await openMessage(
      bytes,
      { ...NO_KEYS, smimeIdentities: [identity(other), identity(bob)] },
      { rsaRawDecrypt },
    );
    expect(opened).toMatchObject({
      scheme: 'smime',
      encrypted: true,
      encryption: { structure: 'authEnvelopedData' },
      signatures: [],
    });
    expect(new TextDecoder().decode(opened.message)).toContain('The numbers.');
    await expect(
      openMessage(bytes, { ...NO_KEYS, smimeIdentities: [identity(other)] }),
    ).rejects.toMatchObject({ code: 'ESMIME_DECRYPT' });
  });

  it('verifies a signed message of either scheme; an unknown signer is not an error', async () => {
    const alice = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
    const signed = await pgp.signMime(plain, { signingKey: alice.privateKey });
    const opened = await openMessage(signed, NO_KEYS);
    expect(opened).toMatchObject({ scheme: 'pgp', encrypted: false });
    expect(opened.signatures[0]?.status).toBe('unknown-key');
    const verified = await openMessage(signed, { ...NO_KEYS, pgpPublicKeys: [alice.publicKey] });
    expect(verified.signatures[0]?.status).toBe('valid');
  });

  it('refuses a message that is neither signed nor encrypted', async () => {
    await expect(openMessage(plain, NO_KEYS)).rejects.toMatchObject({ code: 'ENOT_PROTECTED' });
    expect(messageProtection(plain)).toBeNull();
  });
});

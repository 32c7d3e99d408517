// Packet listing without a key: what `sealpost inspect` shows of an OpenPGP message or signature.
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeCleartextSignature,
  describeDetachedSignature,
  describeEncryptedMessage,
  inlinePgpKind,
} from './pgp-packets.js';

let key: openpgp.PrivateKey;
const enc = new TextEncoder();

beforeAll(async () => {
  ({ privateKey: key } = await openpgp.generateKey({
    userIDs: [{ email: 'b@example.org' }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    format: 'object',
  }));
});

describe('OpenPGP packet listing', () => {
  it('lists the recipient key ID and integrity of an armored message, nothing decrypted', async () => {
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'secret' }),
      encryptionKeys: key.toPublic(),
    });
    const facts = await describeEncryptedMessage(enc.encode(armored));
    expect(facts).toEqual({
      recipients: [
        {
          keyId: key.getSubkeys()[0]!.getKeyID().toHex().toUpperCase(),
          wildcard: false,
          version: 3,
          algorithm: 'ecdh',
        },
      ],
      passwords: 0,
      integrity: 'seipd-v1',
    });
    expect(inlinePgpKind(`Hello\r\n${armored}`)).toBe('message');
  });

  it('shows a hidden recipient as the wildcard key ID, and a password as SKESK', async () => {
    const binary = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'secret' }),
      encryptionKeys: key.toPublic(),
      passwords: ['pw'],
      wildcard: true,
      format: 'binary',
    });
    const facts = await describeEncryptedMessage(binary);
    expect(facts.recipients[0]).toMatchObject({ keyId: '0000000000000000', wildcard: true });
    expect(facts.passwords).toBe(1);
  });

  it('names the signer of a detached and of a cleartext signature', async () => {
    const keyId = key.getKeyID().toHex().toUpperCase();
    const detached = await openpgp.sign({
      message: await openpgp.createMessage({ text: 'I agree.' }),
      signingKeys: key,
      detached: true,
    });
    const [facts] = await describeDetachedSignature(enc.encode(detached));
    expect(facts).toMatchObject({ keyId, fingerprint: key.getFingerprint().toUpperCase() });
    expect(facts?.created).toEqual(expect.any(String));
    const cleartext = await openpgp.sign({
      message: await openpgp.createCleartextMessage({ text: 'I agree.' }),
      signingKeys: key,
    });
    expect(inlinePgpKind(cleartext)).toBe('signed-cleartext');
    expect((await describeCleartextSignature(cleartext))[0]?.keyId).toBe(keyId);
    expect(inlinePgpKind('no armor here')).toBeNull();
  });
});

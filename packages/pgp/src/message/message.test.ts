import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../keys/generate-key.js';
import { decryptMessage } from './decrypt-message.js';
import { encryptMessage } from './encrypt-message.js';
import { signDetached } from './sign-detached.js';
import { verifyDetached } from './verify-detached.js';

const text = new TextEncoder().encode('Hello Bob,\r\nsee you at noon.\r\n');

async function seipdVersion(armored: string): Promise<number> {
  const message = await openpgp.readMessage({ armoredMessage: armored });
  const packet = message.packets.find(
    (p) => p instanceof openpgp.SymEncryptedIntegrityProtectedDataPacket,
  ) as openpgp.SymEncryptedIntegrityProtectedDataPacket & { version: number };
  return packet.version;
}

describe('OpenPGP messages', () => {
  let alice: GeneratedKey;
  let bob: GeneratedKey;
  let carol: GeneratedKey;
  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all([
      generateKey({ userIds: [{ email: 'alice@example.org' }] }),
      generateKey({ userIds: [{ email: 'bob@example.org' }] }),
      generateKey({ userIds: [{ email: 'carol@example.org' }], type: 'v6' }),
    ]);
  });

  it('signs detached and reports the hash really used', async () => {
    const sig = await signDetached(text, { signingKey: alice.privateKey });
    // Ed25519 signs with SHA-512 in openpgp.js (the curve's preferred hash), not the configured
    // SHA-256: the reported name must come from the packet itself.
    const packet = (await openpgp.readSignature({ armoredSignature: sig.armored })).packets[0]!;
    expect(packet.hashAlgorithm).toBe(openpgp.enums.hash.sha512);
    expect(sig.hashAlgorithm).toBe('sha512');
    const [status] = await verifyDetached(text, sig.armored, [alice.publicKey]);
    expect(status).toMatchObject({ status: 'valid', signerFingerprint: alice.fingerprint });
    expect(status!.created).toBeInstanceOf(Date);
    const [other] = await verifyDetached(text, sig.armored, [bob.publicKey]);
    expect(other!.status).toBe('unknown-key');
    const changed = new TextEncoder().encode('Hello Bob,\r\nsee you at one.\r\n');
    const [bad] = await verifyDetached(changed, sig.armored, [alice.publicKey]);
    expect(bad!.status).toBe('invalid');
  });

  it('signs and encrypts as one message and decrypts it back', async () => {
    const armored = await encryptMessage(text, {
      recipientKeys: [bob.publicKey],
      signingKey: alice.privateKey,
    });
    expect(await seipdVersion(armored)).toBe(1);
    const out = await decryptMessage(armored, {
      decryptionKeys: [bob.privateKey],
      verificationKeys: [alice.publicKey],
    });
    expect(new TextDecoder().decode(out.content)).toBe(new TextDecoder().decode(text));
    expect(out.signatures).toHaveLength(1);
    expect(out.signatures[0]).toMatchObject({
      status: 'valid',
      signerFingerprint: alice.fingerprint,
    });
  });

  it('writes SEIPD v1 even to a v6 recipient that advertises SEIPD v2, and v2 only by option', async () => {
    const v1 = await encryptMessage(text, { recipientKeys: [carol.publicKey] });
    expect(await seipdVersion(v1)).toBe(1);
    const back = await decryptMessage(v1, { decryptionKeys: [carol.privateKey] });
    expect(back.content).toEqual(text);
    const v2 = await encryptMessage(text, { recipientKeys: [carol.publicKey], rfc9580: true });
    expect(await seipdVersion(v2)).toBe(2);
  });

  it('fails with EDECRYPT for the wrong key', async () => {
    const armored = await encryptMessage(text, { recipientKeys: [bob.publicKey] });
    await expect(
      decryptMessage(armored, { decryptionKeys: [alice.privateKey] }),
    ).rejects.toMatchObject({ code: 'EDECRYPT' });
  });
});

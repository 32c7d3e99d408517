/**
 * Decision 0131 against GnuPG 2.2: messages gpg encrypts to an RSA key (it writes RSA PKESKs
 * with EME-PKCS1-v1_5, RFC 9580 §5.1.3) decrypt with the injected RSA primitive, with named and
 * with hidden (--throw-keyids) recipients; a key gpg did not encrypt to gets EDECRYPT.
 */
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import { createGnupgHome, type GnupgHome } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKey } from '../../src/keys/generate-key.js';
import { type PrivateKey, readPrivateKey } from '../../src/keys/read-keys.js';
import { decryptMessage } from '../../src/message/decrypt-message.js';
import type { RsaRawDecrypt } from '../../src/session-key/rsa-private-key-info.js';

const nodeRsa: RsaRawDecrypt = async (pkcs8, ciphertext) =>
  new Uint8Array(
    privateDecrypt(
      {
        key: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }),
        padding: constants.RSA_NO_PADDING,
      },
      ciphertext,
    ),
  );

const plain = 'Hello from gpg.\n';

describe('RSA session keys from gpg 2.2', () => {
  let gpg: GnupgHome;
  let rita: PrivateKey;

  beforeAll(async () => {
    gpg = await createGnupgHome();
    await gpg.ok(['--quick-gen-key', 'Rita <rita@example.org>', 'rsa3072', 'sign', 'never'], {
      passphrase: '',
    });
    const fingerprint = await gpg.fingerprint('rita@example.org');
    await gpg.ok(['--quick-add-key', fingerprint, 'rsa3072', 'encr', 'never'], { passphrase: '' });
    rita = await readPrivateKey(await gpg.exportKey(fingerprint, { secret: true }));
  }, 120_000);

  afterAll(async () => {
    await gpg?.close();
  });

  const encrypted = async (extra: readonly string[] = []) => {
    const args = ['--trust-model', 'always', ...extra, '--encrypt', '-r', 'rita@example.org'];
    return (await gpg.ok(args, { input: plain })).stdout;
  };

  it('decrypts what gpg encrypted, through the primitive', async () => {
    const rsa = vi.fn(nodeRsa);
    const opened = await decryptMessage(await encrypted(), {
      decryptionKeys: [rita],
      rsaRawDecrypt: rsa,
    });
    expect(rsa).toHaveBeenCalledTimes(1);
    expect(new TextDecoder().decode(opened.content)).toBe(plain);
    expect(opened.integrity).toBe('mdc');
  });

  it('decrypts a hidden-recipient (--throw-keyids) message', async () => {
    const opened = await decryptMessage(await encrypted(['--throw-keyids']), {
      decryptionKeys: [rita],
      rsaRawDecrypt: nodeRsa,
    });
    expect(new TextDecoder().decode(opened.content)).toBe(plain);
  });

  it('answers another RSA key with EDECRYPT and the usual message', async () => {
    const other = await generateKey({
      userIds: [{ email: 'other@example.org' }],
      type: 'rsa',
      rsaBits: 3072,
    });
    for (const message of [await encrypted(), await encrypted(['--throw-keyids'])]) {
      await expect(
        decryptMessage(message, { decryptionKeys: [other.privateKey], rsaRawDecrypt: nodeRsa }),
      ).rejects.toMatchObject({
        code: 'EDECRYPT',
        message: 'The message could not be decrypted: no matching key, or it was altered.',
      });
    }
  });
});

/**
 * An encrypted (and optionally signed) OpenPGP message (RFC 9580 §10.3): PKESKs + SEIPD.
 * SEIPD v1 with MDC (RFC 9580 §5.13.1) by default, even when every recipient advertises
 * SEIPD v2, because GnuPG 2.2 cannot read v2; v2 (AEAD) only with `rfc9580: true`.
 * Sign-then-encrypt happens inside one message (RFC 3156 §6.2).
 */
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';
import { checkKey } from '../keys/check-key.js';
import type { PrivateKey, PublicKey } from '../keys/read-keys.js';
import { usableSigningKeyId } from './sign-detached.js';

export interface EncryptOptions {
  readonly recipientKeys: readonly PublicKey[];
  /** Signs inside the encryption (one OpenPGP message: RFC 3156 §6.2). */
  readonly signingKey?: PrivateKey;
  /** Writes wildcard (all-zero) key IDs in the PKESKs (RFC 9580 §5.1): hides who can read it. */
  readonly hideRecipientIds?: boolean;
  /** RFC 9580 SEIPD v2 (AEAD) when every recipient supports it. GnuPG 2.2 cannot read it. */
  readonly rfc9580?: boolean;
  readonly date?: Date;
}

const KEY_BYTES: Record<string, number> = { aes128: 16, aes192: 24, aes256: 32 };

/** Key IDs of the checked (sub)keys, so openpgp.js encrypts to exactly what checkKey approved. */
async function recipientKeyIds(
  keys: readonly PublicKey[],
  date: Date | undefined,
): Promise<openpgp.KeyID[]> {
  return Promise.all(
    keys.map(async (key) => {
      const check = await checkKey(key, { purpose: 'encrypt', ...(date ? { now: date } : {}) });
      return key
        .getKeys()
        .find((k) => k.getFingerprint().toUpperCase() === check.usableKeyFingerprint)!
        .getKeyID();
    }),
  );
}

/** A session key for SEIPD v1 unless AEAD was asked for (openpgp.js would pick v2 on its own). */
async function sessionKeyFor(
  keys: readonly PublicKey[],
  options: EncryptOptions,
  config: openpgp.PartialConfig,
): Promise<openpgp.SessionKey> {
  const proposed = await openpgp.generateSessionKey({
    encryptionKeys: [...keys],
    ...(options.date ? { date: options.date } : {}),
    config,
  });
  if (options.rfc9580 || proposed.aeadAlgorithm === undefined) return proposed;
  const algorithm = KEY_BYTES[proposed.algorithm] ? proposed.algorithm : 'aes256';
  return {
    data: crypto.getRandomValues(new Uint8Array(KEY_BYTES[algorithm]!)),
    algorithm,
  };
}

/** Builds the openpgp.js encrypt() options shared by the one-shot and streaming paths. */
export async function prepareEncryption(options: EncryptOptions) {
  if (options.recipientKeys.length === 0) {
    throw new SealpostError('EENCRYPT', 'No recipient key was given.');
  }
  const config = openPgpConfig({ rfc9580: options.rfc9580 === true });
  const encryptionKeyIDs = await recipientKeyIds(options.recipientKeys, options.date);
  const signing = options.signingKey
    ? {
        signingKeys: options.signingKey,
        signingKeyIDs: await usableSigningKeyId(options.signingKey, options.date),
      }
    : {};
  const sessionKey = await sessionKeyFor(options.recipientKeys, options, config);
  return {
    encryptionKeys: [...options.recipientKeys],
    encryptionKeyIDs,
    ...signing,
    sessionKey,
    wildcard: options.hideRecipientIds === true,
    ...(options.date ? { date: options.date } : {}),
    config,
  };
}

/** Encrypts bytes to the recipients; returns the ASCII-armored message. */
export async function encryptMessage(
  content: Uint8Array,
  options: EncryptOptions,
): Promise<string> {
  const prepared = await prepareEncryption(options);
  try {
    return await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: content }),
      ...prepared,
      format: 'armored',
    });
  } catch (cause) {
    throw new SealpostError('EENCRYPT', 'The content could not be encrypted.', { cause });
  }
}

/** Reading OpenPGP certificates and secret keys, armored (RFC 9580 §6) or binary (RFC 9580 §10). */
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';

export type PublicKey = openpgp.PublicKey;
export type PrivateKey = openpgp.PrivateKey;
export type Key = openpgp.Key;

/** Armored text, or binary packets (string or bytes); bytes that look like armor are treated as armor. */
export type KeyInput = string | Uint8Array;

const ARMOR_START = '-----BEGIN PGP ';

function asArmor(input: KeyInput): string | undefined {
  if (typeof input === 'string') return input;
  // Armor is ASCII; peek at the first bytes (after optional whitespace) without decoding everything.
  const head = new TextDecoder().decode(input.subarray(0, 256)).trimStart();
  return head.startsWith(ARMOR_START) ? new TextDecoder().decode(input) : undefined;
}

/** Reads every key in the input (a keyring export may hold many). */
export async function readKeys(input: KeyInput): Promise<Key[]> {
  const config = openPgpConfig({ rfc9580: true });
  try {
    const armored = asArmor(input);
    const keys =
      armored === undefined
        ? await openpgp.readKeys({ binaryKeys: input as Uint8Array, config })
        : await openpgp.readKeys({ armoredKeys: armored, config });
    if (keys.length === 0) throw new Error('no key in input');
    return keys;
  } catch (cause) {
    throw new SealpostError('EKEY_PARSE', 'The input is not a readable OpenPGP key.', { cause });
  }
}

/** Reads one public key (certificate); a secret key is accepted and reduced to its public part. */
export async function readPublicKey(input: KeyInput): Promise<PublicKey> {
  const keys = await readKeys(input);
  if (keys.length !== 1) {
    throw new SealpostError(
      'EKEY_PARSE',
      `Expected one OpenPGP key, found ${keys.length}; give one key at a time.`,
    );
  }
  return keys[0]!.toPublic();
}

export interface ReadPrivateKeyOptions {
  /** Unlocks the key; without it a protected key is returned still locked. */
  readonly passphrase?: string;
}

/** Reads one secret key and, given a passphrase, unlocks it. */
export async function readPrivateKey(
  input: KeyInput,
  options: ReadPrivateKeyOptions = {},
): Promise<PrivateKey> {
  const config = openPgpConfig({ rfc9580: true });
  let key: PrivateKey;
  try {
    const armored = asArmor(input);
    key =
      armored === undefined
        ? await openpgp.readPrivateKey({ binaryKey: input as Uint8Array, config })
        : await openpgp.readPrivateKey({ armoredKey: armored, config });
  } catch (cause) {
    throw new SealpostError('EKEY_PARSE', 'The input is not a readable OpenPGP secret key.', {
      cause,
    });
  }
  if (key.isDecrypted()) return key;
  if (options.passphrase === undefined) {
    throw new SealpostError('EKEY_PASSPHRASE', 'The secret key is protected by a passphrase.', {
      details: { fingerprint: key.getFingerprint() },
    });
  }
  return unlockPrivateKey(key, options.passphrase);
}

/** Unlocks a protected secret key (RFC 9580 §3.7 S2K); the passphrase never reaches the error. */
export async function unlockPrivateKey(key: PrivateKey, passphrase: string): Promise<PrivateKey> {
  if (key.isDecrypted()) return key;
  try {
    return await openpgp.decryptKey({
      privateKey: key,
      passphrase,
      config: openPgpConfig({ rfc9580: true }),
    });
  } catch (cause) {
    throw new SealpostError('EKEY_PASSPHRASE', 'The passphrase does not unlock this secret key.', {
      cause,
      details: { fingerprint: key.getFingerprint() },
    });
  }
}

/** ASCII armor (RFC 9580 §6.2) of the public part of a key. */
export function armorPublicKey(key: Key): string {
  return key.toPublic().armor(fullConfig());
}

/** ASCII armor of a secret key, as it is (still protected if it was). */
export function armorPrivateKey(key: PrivateKey): string {
  return key.armor(fullConfig());
}

function fullConfig(): openpgp.Config {
  return { ...openpgp.config, ...openPgpConfig({ rfc9580: true }) };
}

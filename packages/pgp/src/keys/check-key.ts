/**
 * Key policy (docs/design.md §4): refuse expired, revoked, weak (RSA < 2048) and SHA-1-bound keys,
 * keys without a usable subkey for the purpose, and keys whose user IDs do not name the
 * address. Validity follows RFC 9580 §5.2.3 (self-signatures, key flags, expiry, revocation).
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';
import { recall, remember } from './check-cache.js';
import type { Key } from './read-keys.js';

export type KeyPurpose = 'encrypt' | 'sign';

export interface CheckKeyOptions {
  readonly purpose: KeyPurpose;
  /** The time the key must be valid at; default: now. */
  readonly now?: Date;
  /** When set, one valid user ID must carry this e-mail address (compared case-insensitively). */
  readonly address?: string;
}

export interface KeyCheck {
  /** Upper-case hex fingerprint of the primary key. */
  readonly fingerprint: string;
  /** Upper-case hex fingerprint of the (sub)key that will encrypt or sign. */
  readonly usableKeyFingerprint: string;
  /** Key ID (16 hex digits, upper case) of that (sub)key, as it appears in packets. */
  readonly usableKeyId: string;
  readonly version: number;
  /** e.g. "eddsaLegacy", "rsaEncryptSign", "ecdh". */
  readonly algorithm: string;
  readonly bits?: number;
  readonly curve?: string;
  readonly userIds: readonly string[];
  /** When the primary key expires; null when it never does. */
  readonly expires: Date | null;
  /** Until when this result holds (the earlier of the key's and the chosen subkey's expiry). */
  readonly validUntil: Date;
}

type KeyOrSubkey = ReturnType<Key['getKeys']>[number];
type SubkeyObject = Key['subkeys'][number];

const WEAK_ALGORITHMS = new Set(['dsa', 'elgamal']);

function fingerprintOf(k: { getFingerprint(): string }): string {
  return k.getFingerprint().toUpperCase();
}

/** RSA below 2048 bits, DSA and ElGamal are refused (RFC 9580 §12.4, NIST SP 800-131A). */
function weakness(k: KeyOrSubkey): string | undefined {
  const info = k.getAlgorithmInfo();
  if (info.algorithm.startsWith('rsa') && (info.bits ?? 0) < 2048) {
    return `RSA ${info.bits ?? '?'} bits`;
  }
  if (WEAK_ALGORITHMS.has(info.algorithm)) return info.algorithm;
  return undefined;
}

function isSha1(sig: openpgp.SignaturePacket): boolean {
  return sig.hashAlgorithm === openpgp.enums.hash.sha1;
}

function mapPrimaryError(err: unknown, key: Key): SealpostError {
  const text = err instanceof Error ? err.message : '';
  const fingerprint = fingerprintOf(key);
  if (/revoked/i.test(text)) {
    return new SealpostError('EKEY_REVOKED', `The key ${fingerprint} has been revoked.`, {
      cause: err,
      details: { fingerprint },
    });
  }
  if (/expired/i.test(text)) {
    return new SealpostError('EKEY_EXPIRED', `The key ${fingerprint} has expired.`, {
      cause: err,
      details: { fingerprint },
    });
  }
  return new SealpostError('EKEY_PARSE', `The key ${fingerprint} has no valid self-signature.`, {
    cause: err,
    details: { fingerprint },
  });
}

function flagsAllow(flags: Uint8Array | null, purpose: KeyPurpose): boolean {
  const f = flags?.[0] ?? 0;
  const { keyFlags } = openpgp.enums;
  return purpose === 'encrypt'
    ? (f & (keyFlags.encryptCommunication | keyFlags.encryptStorage)) !== 0
    : (f & keyFlags.signData) !== 0;
}

/** The newest binding signature of a subkey, valid or not: used to read its intended flags. */
function newestBinding(subkey: SubkeyObject): openpgp.SignaturePacket | undefined {
  return [...subkey.bindingSignatures].sort(
    (a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0),
  )[0];
}

interface Rejection {
  readonly code: 'EKEY_EXPIRED' | 'EKEY_REVOKED' | 'EKEY_WEAK' | 'EKEY_SHA1' | 'EKEY_PARSE';
  readonly fingerprint: string;
  readonly reason: string;
}

async function judgeSubkey(
  subkey: SubkeyObject,
  now: Date,
  config: openpgp.Config,
): Promise<Rejection | openpgp.SignaturePacket> {
  const fingerprint = fingerprintOf(subkey);
  const weak = weakness(subkey);
  if (weak) return { code: 'EKEY_WEAK', fingerprint, reason: weak };
  let binding: openpgp.SignaturePacket;
  try {
    binding = await subkey.verify(now, config);
  } catch (err) {
    const text = err instanceof Error ? err.message : '';
    if (/revoked/i.test(text)) return { code: 'EKEY_REVOKED', fingerprint, reason: 'revoked' };
    if (/expired/i.test(text)) return { code: 'EKEY_EXPIRED', fingerprint, reason: 'expired' };
    return { code: 'EKEY_PARSE', fingerprint, reason: 'no valid binding signature' };
  }
  if (isSha1(binding)) return { code: 'EKEY_SHA1', fingerprint, reason: 'SHA-1 binding signature' };
  return binding;
}

/**
 * Checks a key for a purpose and returns what will be used. Throws SealpostError with
 * EKEY_REVOKED, EKEY_EXPIRED, EKEY_WEAK, EKEY_SHA1, EKEY_USERID, EKEY_NO_ENCRYPTION or
 * EKEY_NO_SIGNING. A revoked or expired subkey is skipped when another valid one exists.
 */
export async function checkKey(key: Key, options: CheckKeyOptions): Promise<KeyCheck> {
  // Only checks for "now" are memoised; an explicit date is always checked afresh.
  if (options.now !== undefined) return checkKeyAt(key, options, options.now);
  const now = Date.now();
  const query = `${options.purpose}|${options.address?.trim().toLowerCase() ?? ''}`;
  const known = recall<KeyCheck>(key, query, now);
  if (known) return known;
  const result = await checkKeyAt(key, options, new Date(now));
  remember(key, query, now, result.validUntil.getTime(), result);
  return result;
}

async function checkKeyAt(key: Key, options: CheckKeyOptions, now: Date): Promise<KeyCheck> {
  const config: openpgp.Config = { ...openpgp.config, ...openPgpConfig({ rfc9580: true }) };
  const fingerprint = fingerprintOf(key);

  try {
    await key.verifyPrimaryKey(now, undefined, config);
  } catch (err) {
    throw mapPrimaryError(err, key);
  }
  const primaryWeak = weakness(key);
  if (primaryWeak) {
    throw new SealpostError('EKEY_WEAK', `The key ${fingerprint} is too weak (${primaryWeak}).`, {
      details: { fingerprint },
    });
  }
  const primaryUser = await key.getPrimaryUser(now, undefined, config);
  if (isSha1(primaryUser.selfCertification)) {
    throw new SealpostError(
      'EKEY_SHA1',
      `The key ${fingerprint} is bound to its user ID only by a SHA-1 self-signature.`,
      { details: { fingerprint } },
    );
  }
  if (options.address !== undefined) await checkAddress(key, options.address, now, config);

  const usable = await pickUsableKey(key, options.purpose, now, config);
  const info = key.getAlgorithmInfo();
  const expiry = await key.getExpirationTime(undefined, config);
  const usableExpiry =
    usable === key ? expiry : await (usable as SubkeyObject).getExpirationTime(now, config);
  const validUntil = Math.min(
    expiry instanceof Date ? expiry.getTime() : Number.POSITIVE_INFINITY,
    usableExpiry instanceof Date ? usableExpiry.getTime() : Number.POSITIVE_INFINITY,
  );
  return {
    validUntil: new Date(Math.min(validUntil, 8.64e15)),
    fingerprint,
    usableKeyFingerprint: fingerprintOf(usable),
    usableKeyId: usable.getKeyID().toHex().toUpperCase(),
    version: key.keyPacket.version,
    algorithm: info.algorithm,
    ...(info.bits === undefined ? {} : { bits: info.bits }),
    ...(info.curve === undefined ? {} : { curve: info.curve }),
    userIds: key.getUserIDs(),
    expires: expiry instanceof Date ? expiry : null,
  };
}

async function checkAddress(
  key: Key,
  address: string,
  now: Date,
  config: openpgp.Config,
): Promise<void> {
  const wanted = address.trim().toLowerCase();
  for (const user of key.users) {
    if (user.userID?.email.toLowerCase() !== wanted) continue;
    try {
      await user.verify(now, config);
      const cert = user.selfCertifications.at(-1);
      if (cert && isSha1(cert)) continue;
      return;
    } catch {
      // A revoked or expired user ID does not bind the address; try the next one.
    }
  }
  throw new SealpostError(
    'EKEY_USERID',
    `No valid user ID of key ${fingerprintOf(key)} carries the address ${quoteUntrusted(address)}.`,
    { details: { fingerprint: fingerprintOf(key), userIds: key.getUserIDs() } },
  );
}

async function pickUsableKey(
  key: Key,
  purpose: KeyPurpose,
  now: Date,
  config: openpgp.Config,
): Promise<KeyOrSubkey> {
  const fingerprint = fingerprintOf(key);
  // Newest first, as RFC 9580 §5.2.3.10 implementations do: a fresh subkey supersedes old ones.
  const candidates = key.subkeys
    .filter((s) => flagsAllow(newestBinding(s)?.keyFlags ?? null, purpose))
    .sort((a, b) => b.getCreationTime().getTime() - a.getCreationTime().getTime());
  const rejections: Rejection[] = [];
  for (const subkey of candidates) {
    const verdict = await judgeSubkey(subkey, now, config);
    if ('code' in verdict) {
      rejections.push(verdict);
      continue;
    }
    // openpgp.js adds its own checks (e.g. the signing subkey's back-signature): ask it too.
    const keyId = subkey.getKeyID();
    try {
      await (purpose === 'encrypt'
        ? key.getEncryptionKey(keyId, now, undefined, config)
        : key.getSigningKey(keyId, now, undefined, config));
      return subkey;
    } catch {
      rejections.push({
        code: 'EKEY_PARSE',
        fingerprint: fingerprintOf(subkey),
        reason: 'unusable',
      });
    }
  }
  const primaryCert = await key.getPrimaryUser(now, undefined, config);
  if (flagsAllow(primaryCert.selfCertification.keyFlags, purpose)) {
    try {
      await (purpose === 'encrypt'
        ? key.getEncryptionKey(key.getKeyID(), now, undefined, config)
        : key.getSigningKey(key.getKeyID(), now, undefined, config));
      return key;
    } catch {
      rejections.push({ code: 'EKEY_PARSE', fingerprint, reason: 'primary key unusable' });
    }
  }
  const first = rejections.find((r) => r.code !== 'EKEY_PARSE') ?? rejections[0];
  const code =
    first && first.code !== 'EKEY_PARSE'
      ? first.code
      : purpose === 'encrypt'
        ? 'EKEY_NO_ENCRYPTION'
        : 'EKEY_NO_SIGNING';
  const what = purpose === 'encrypt' ? 'encrypt' : 'sign';
  const why = rejections.map((r) => `${r.fingerprint}: ${r.reason}`).join('; ');
  throw new SealpostError(
    code,
    `The key ${fingerprint} has no valid subkey that can ${what}${why ? ` (${why})` : ''}.`,
    { details: { fingerprint, rejected: rejections } },
  );
}

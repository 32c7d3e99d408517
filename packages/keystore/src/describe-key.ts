/**
 * The facts about an OpenPGP key (RFC 9580 §5.5) that `keys list|import|discover` show:
 * fingerprint, addresses, algorithm, expiry, and whether sealpost would encrypt to it now
 * (and if not, why).
 */
import { isSealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import { gpgAlgorithmName } from './gpg-algorithm.js';

export interface KeyInfo {
  /** Upper-case hex, as gpg prints it. */
  readonly fingerprint: string;
  readonly userIds: readonly string[];
  readonly addresses: readonly string[];
  /** The names of the user IDs ("Alice Liddell" of "Alice Liddell <alice@example.org>"). */
  readonly names: readonly string[];
  /** The primary key's algorithm as gpg prints it: "ed25519", "rsa3072", "nistp256". */
  readonly algorithm: string;
  /** The encryption subkey's algorithm the same way ("cv25519"), when there is one. */
  readonly encryptionAlgorithm?: string;
  readonly version: number;
  readonly created: string;
  /** ISO 8601, or null when the key never expires. */
  readonly expires: string | null;
  /** True when sealpost would encrypt to this key now. */
  readonly usable: boolean;
  /** Why not, when `usable` is false. */
  readonly problem?: { readonly code: string; readonly message: string };
  readonly source?: Pgp.KeyProvenance;
}

/** The name part of each user ID (RFC 9580 §5.11: by convention "Name <address>"). */
function userIdNames(userIds: readonly string[]): string[] {
  const names = userIds
    .map((id) =>
      id
        .replace(/<[^>]*>/g, '')
        .replace(/\([^)]*\)/g, '')
        .trim(),
    )
    .filter((name) => name.length > 0 && !name.includes('@'));
  return [...new Set(names)];
}

async function encryptionAlgorithm(key: Pgp.Key): Promise<string | undefined> {
  try {
    const subkey = await key.getEncryptionKey();
    return subkey === key ? undefined : gpgAlgorithmName(subkey.getAlgorithmInfo());
  } catch {
    // None usable now (revoked, expired): `problem` says why; still name what the key has.
    const [first] = key.getSubkeys();
    return first ? gpgAlgorithmName(first.getAlgorithmInfo()) : undefined;
  }
}

async function expiry(key: Pgp.Key): Promise<string | null> {
  try {
    const when = await key.getExpirationTime();
    return when instanceof Date ? when.toISOString() : null;
  } catch {
    return null; // an unreadable expiry (e.g. revoked key) is reported by `problem`
  }
}

export async function describeKey(
  key: Pgp.Key,
  options: { source?: Pgp.KeyProvenance; address?: string } = {},
): Promise<KeyInfo> {
  const pgp = await import('@sealpost/pgp');
  let problem: KeyInfo['problem'];
  try {
    await pgp.checkKey(key, {
      purpose: 'encrypt',
      ...(options.address ? { address: options.address } : {}),
    });
  } catch (err) {
    if (!isSealpostError(err)) throw err;
    problem = { code: err.code, message: err.message };
  }
  const encryption = await encryptionAlgorithm(key);
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    userIds: key.getUserIDs(),
    addresses: pgp.keyEmails(key),
    names: userIdNames(key.getUserIDs()),
    algorithm: gpgAlgorithmName(key.getAlgorithmInfo()),
    ...(encryption ? { encryptionAlgorithm: encryption } : {}),
    version: key.keyPacket.version,
    created: key.getCreationTime().toISOString(),
    expires: await expiry(key),
    usable: problem === undefined,
    ...(problem ? { problem } : {}),
    ...(options.source ? { source: options.source } : {}),
  };
}

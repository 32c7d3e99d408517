/**
 * The facts about an OpenPGP key (RFC 9580 §5.5) that `keys list|import|discover` show:
 * fingerprint, addresses, algorithm, expiry, and whether sealpost would encrypt to it now
 * (and if not, why).
 */
import { isSealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';

export interface KeyInfo {
  /** Upper-case hex, as gpg prints it. */
  readonly fingerprint: string;
  readonly userIds: readonly string[];
  readonly addresses: readonly string[];
  /** e.g. "eddsaLegacy ed25519Legacy", "rsaEncryptSign 3072". */
  readonly algorithm: string;
  readonly version: number;
  readonly created: string;
  /** ISO 8601, or null when the key never expires. */
  readonly expires: string | null;
  /** True when sealpost would encrypt to this key now. */
  readonly usable: boolean;
  /** Why not, when `usable` is false. */
  readonly problem?: { readonly code: string; readonly message: string };
  readonly source?: Pgp.KeySource;
}

function algorithmName(key: Pgp.Key): string {
  const info = key.getAlgorithmInfo();
  return [info.algorithm, info.curve, info.bits].filter((x) => x !== undefined).join(' ');
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
  options: { source?: Pgp.KeySource; address?: string } = {},
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
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    userIds: key.getUserIDs(),
    addresses: pgp.keyEmails(key),
    algorithm: algorithmName(key),
    version: key.keyPacket.version,
    created: key.getCreationTime().toISOString(),
    expires: await expiry(key),
    usable: problem === undefined,
    ...(problem ? { problem } : {}),
    ...(options.source ? { source: options.source } : {}),
  };
}

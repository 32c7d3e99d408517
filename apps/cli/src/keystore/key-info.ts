/**
 * What `keys list|import|discover` say about an OpenPGP key (RFC 9580 §5.5): fingerprint,
 * addresses, algorithm, expiry, and whether sealpost would encrypt to it now (and if not, why).
 */
import { isSealpostError } from '@sealpost/errors';
import * as pgp from '@sealpost/pgp';

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
  readonly source?: pgp.KeySource;
}

function algorithmName(key: pgp.Key): string {
  const info = key.getAlgorithmInfo();
  return [info.algorithm, info.curve, info.bits].filter((x) => x !== undefined).join(' ');
}

async function expiry(key: pgp.Key): Promise<string | null> {
  try {
    const when = await key.getExpirationTime();
    return when instanceof Date ? when.toISOString() : null;
  } catch {
    return null; // an unreadable expiry (e.g. revoked key) is reported by `problem`
  }
}

export async function describeKey(
  key: pgp.Key,
  options: { source?: pgp.KeySource; address?: string } = {},
): Promise<KeyInfo> {
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

/** One block per key for humans: fingerprint, addresses, algorithm, expiry, usable or why not. */
export function renderKeyInfo(
  info: KeyInfo,
  paint: { green(s: string): string; red(s: string): string; dim(s: string): string },
): string {
  const status = info.usable
    ? paint.green('usable')
    : paint.red(`not usable: ${info.problem?.code ?? 'unknown'}`);
  const lines = [
    `${info.fingerprint}  ${status}`,
    `  ${info.addresses.join(', ') || paint.dim('(no e-mail address)')}`,
    `  ${info.algorithm}, v${info.version}, created ${info.created.slice(0, 10)}, ${
      info.expires ? `expires ${info.expires.slice(0, 10)}` : 'does not expire'
    }`,
  ];
  if (info.source) {
    lines.push(
      paint.dim(
        `  from ${info.source.kind}${info.source.location ? ` ${info.source.location}` : ''}`,
      ),
    );
  }
  if (info.problem) lines.push(`  ${info.problem.message}`);
  return lines.join('\n');
}

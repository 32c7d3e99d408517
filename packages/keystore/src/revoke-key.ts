/**
 * Applying a revocation certificate (RFC 9580 §5.2.1.21) to the keyring copy of a key (`keys
 * revoke`, and `keys import` of a .rev file): the signature is placed after the primary key
 * packet, where a revocation belongs (RFC 9580 §10.1.1), and merged into the stored key;
 * openpgp.js keeps it only if it verifies against that key, so a forged file changes nothing.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import { readKeyBytes } from './key-material.js';
import { longKeyId, matchOneKey } from './key-selector.js';
import type { Keyring, KeyringEntry } from './keyring.js';
import {
  type RevocationCertificate,
  readPacket,
  readRevocationCertificate,
} from './revocation-certificate.js';

export interface RevokedKey {
  /** Upper-case hex. */
  readonly fingerprint: string;
  /** The keyring copy, now carrying the revocation. */
  readonly key: Pgp.PublicKey;
  readonly source: Pgp.KeyProvenance;
  /** The revocation certificate applied. */
  readonly revocationFile: string;
}

function revocationError(message: string, file: string): SealpostError {
  return new SealpostError('EKEY_REVOCATION', message, { details: { file } });
}

/** The keys this certificate may be for: its issuer's, else every key (each is tried). */
function candidates(keyring: Keyring, certificate: RevocationCertificate): KeyringEntry[] {
  const issuer = certificate.issuer;
  if (issuer === undefined) return keyring.list();
  return keyring
    .list()
    .filter((e) => e.fingerprint === issuer || longKeyId(e.fingerprint) === issuer);
}

/** The stored key with the revocation merged in, or undefined when it does not verify. */
async function merge(
  keyring: Keyring,
  entry: KeyringEntry,
  certificate: RevocationCertificate,
): Promise<Pgp.PublicKey | undefined> {
  const key = await keyring.get(entry.fingerprint);
  if (!key) return undefined;
  const binary = key.write();
  const primary = readPacket(binary, 0);
  if (!primary) return undefined;
  const spliced = new Uint8Array(binary.length + certificate.packet.length);
  spliced.set(binary.subarray(0, primary.end), 0);
  spliced.set(certificate.packet, primary.end);
  spliced.set(binary.subarray(primary.end), primary.end + certificate.packet.length);
  const pgp = await import('@sealpost/pgp');
  const merged = await key.update(await pgp.readPublicKey(spliced));
  return (await merged.isRevoked()) ? merged : undefined;
}

/**
 * Applies the certificate to the key it names (or to `selector`'s key); EKEY_REVOCATION when
 * no keyring key is revoked by it.
 */
export async function applyRevocationCertificate(
  keyring: Keyring,
  certificate: RevocationCertificate,
  file: string,
  selector?: string,
): Promise<RevokedKey> {
  const entries =
    selector === undefined ? candidates(keyring, certificate) : [matchOneKey(keyring, selector)];
  if (entries.length === 0) {
    throw revocationError(
      `The revocation certificate ${quoteUntrusted(file)} is for ${certificate.issuer ? `key ${certificate.issuer}` : 'a key'}, which is not in the keyring: import the public key first.`,
      file,
    );
  }
  for (const entry of entries) {
    const merged = await merge(keyring, entry, certificate);
    if (!merged) continue;
    await keyring.add(merged, entry.source);
    return {
      fingerprint: entry.fingerprint,
      key: merged,
      source: entry.source,
      revocationFile: file,
    };
  }
  throw revocationError(
    `The revocation certificate ${quoteUntrusted(file)} does not verify against ${entries.length === 1 ? `the key ${entries[0]!.fingerprint}` : 'any key in the keyring'}; nothing was changed.`,
    file,
  );
}

/** The .rev file `keys generate` wrote beside the secret key of this entry, if it is there. */
export function revocationFileFor(entry: KeyringEntry): string | undefined {
  if (entry.source.kind !== 'file' || !entry.source.location) return undefined;
  const file = `${entry.source.location}.rev`;
  return existsSync(file) ? file : undefined;
}

/** `keys revoke SELECTOR [--revocation FILE]`: the file given, else the one beside the secret key. */
export async function revokeKey(
  keyring: Keyring,
  selector: string,
  options: { readonly revocationFile?: string; readonly cwd?: string } = {},
): Promise<RevokedKey> {
  const entry = matchOneKey(keyring, selector);
  const file = options.revocationFile
    ? resolve(options.cwd ?? '.', options.revocationFile)
    : revocationFileFor(entry);
  if (!file) {
    throw new SealpostError(
      'EUSAGE',
      `No revocation certificate is known for ${entry.fingerprint}: give it with --revocation FILE.rev.`,
    );
  }
  const certificate = readRevocationCertificate(await readKeyBytes(file));
  if (!certificate) {
    throw revocationError(`${quoteUntrusted(file)} holds no revocation certificate.`, file);
  }
  return applyRevocationCertificate(keyring, certificate, file, entry.fingerprint);
}

/**
 * Choosing, exporting and removing keyring keys and stored certificates (`keys export`,
 * `keys remove`, `certs remove`). Removal takes full fingerprints only: removing by address
 * could take more keys than the user meant.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { CertStore } from './cert-store.js';
import type { Keyring } from './keyring.js';

const FINGERPRINT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

export interface ExportedKey {
  /** Upper-case hex. */
  readonly fingerprint: string;
  readonly addresses: readonly string[];
  /** The public key, ASCII-armored (RFC 9580 §6.2). */
  readonly armored: string;
}

/** The fingerprints selected by addresses or full fingerprints; none selects every key. */
export function selectKeys(keyring: Keyring, selectors: readonly string[]): string[] {
  const fingerprints = new Set<string>();
  if (selectors.length === 0) for (const e of keyring.list()) fingerprints.add(e.fingerprint);
  for (const selector of selectors) {
    const compact = selector.replace(/\s+/g, '');
    const matches = FINGERPRINT.test(compact)
      ? keyring.list().filter((e) => e.fingerprint === compact.toUpperCase())
      : selector.includes('@')
        ? keyring.findByEmail(selector)
        : undefined;
    if (matches === undefined) {
      throw new SealpostError(
        'EUSAGE',
        `${quoteUntrusted(selector)} is neither an address nor a full fingerprint.`,
      );
    }
    if (matches.length === 0) {
      throw new SealpostError(
        'EKEY_NOT_FOUND',
        `No key in the keyring for ${quoteUntrusted(selector)}.`,
      );
    }
    for (const m of matches) fingerprints.add(m.fingerprint);
  }
  return [...fingerprints];
}

/** The selected public keys, armored, in selection order. */
export async function exportKeys(
  keyring: Keyring,
  selectors: readonly string[],
): Promise<ExportedKey[]> {
  const fingerprints = selectKeys(keyring, selectors);
  const pgp = await import('@sealpost/pgp');
  const keys: ExportedKey[] = [];
  for (const fingerprint of fingerprints) {
    const key = await keyring.get(fingerprint);
    if (key) {
      keys.push({ fingerprint, addresses: pgp.keyEmails(key), armored: pgp.armorPublicKey(key) });
    }
  }
  return keys;
}

/** Removes keys by full fingerprint; nothing is removed when one of them is unknown. */
export async function removeKeys(
  keyring: Keyring,
  fingerprints: readonly string[],
): Promise<string[]> {
  const wanted = fingerprints.map((a) => a.replace(/\s+/g, '').toUpperCase());
  const unknown = wanted.filter(
    (fp) => !FINGERPRINT.test(fp) || !keyring.list().some((e) => e.fingerprint === fp),
  );
  if (unknown.length > 0) {
    throw new SealpostError(
      'EKEY_NOT_FOUND',
      `No key with the full fingerprint ${unknown.map((u) => quoteUntrusted(u)).join(', ')} in the keyring; nothing was removed ("sealpost keys list" shows them).`,
    );
  }
  for (const fp of wanted) await keyring.remove(fp);
  return wanted;
}

/** Removes certificates by SHA-256 fingerprint; nothing is removed when one is unknown. */
export async function removeCertificates(
  store: CertStore,
  fingerprints: readonly string[],
): Promise<string[]> {
  const wanted = fingerprints.map((a) => a.replace(/[\s:]+/g, '').toLowerCase());
  const unknown = wanted.filter((fp) => !store.list().some((e) => e.fingerprint === fp));
  if (unknown.length > 0) {
    throw new SealpostError(
      'EKEY_NOT_FOUND',
      `No certificate with the SHA-256 fingerprint ${unknown.map((u) => quoteUntrusted(u)).join(', ')} in the store; nothing was removed ("sealpost certs list" shows them).`,
    );
  }
  for (const fp of wanted) await store.remove(fp);
  return wanted;
}

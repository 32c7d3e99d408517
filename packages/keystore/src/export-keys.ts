/**
 * Choosing, exporting and removing keyring keys and stored certificates (`keys export`,
 * `keys remove`, `certs remove`). A removal selector must name exactly one key.
 */
import { isSealpostError, quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { CertStore } from './cert-store.js';
import { matchKeys, matchOneKey } from './key-selector.js';
import type { Keyring } from './keyring.js';

export interface ExportedKey {
  /** Upper-case hex. */
  readonly fingerprint: string;
  readonly addresses: readonly string[];
  /** The public key, ASCII-armored (RFC 9580 §6.2). */
  readonly armored: string;
}

/** The fingerprints the selectors name (see key-selector.ts); none selects every key. */
export function selectKeys(keyring: Keyring, selectors: readonly string[]): string[] {
  const fingerprints = new Set<string>();
  if (selectors.length === 0) for (const e of keyring.list()) fingerprints.add(e.fingerprint);
  for (const selector of selectors) {
    const matches = matchKeys(keyring, selector);
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

/**
 * Removes the keys the selectors name, each of which must name exactly one key (an address
 * with two keys is ambiguous: removing both could take more than the user meant). Nothing is
 * removed when one selector names no key or several.
 */
export async function removeKeys(
  keyring: Keyring,
  selectors: readonly string[],
): Promise<string[]> {
  const wanted: string[] = [];
  const unknown: string[] = [];
  for (const selector of selectors) {
    try {
      wanted.push(matchOneKey(keyring, selector).fingerprint);
    } catch (err) {
      if (!isSealpostError(err) || err.code !== 'EKEY_NOT_FOUND') throw err;
      unknown.push(selector);
    }
  }
  if (unknown.length > 0) {
    throw new SealpostError(
      'EKEY_NOT_FOUND',
      `No key in the keyring for ${unknown.map((u) => quoteUntrusted(u)).join(', ')}; nothing was removed ("sealpost keys list" shows them).`,
    );
  }
  const unique = [...new Set(wanted)];
  for (const fp of unique) await keyring.remove(fp);
  return unique;
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

/**
 * A short-lived memo of checkKey results for "now", so sending many messages with the same
 * keys does not re-verify every self-signature each time. An entry is dropped when the key
 * object changes (a signature or subkey added or replaced), after five minutes, or when the
 * key or the chosen subkey expires.
 */
import type { Key } from './read-keys.js';

const TTL_MS = 5 * 60 * 1000;

interface Entry<T> {
  readonly stamp: string;
  readonly checkedAt: number;
  readonly validUntil: number;
  readonly result: T;
}

const memo = new WeakMap<Key, Map<string, Entry<unknown>>>();

/** A cheap structural identity of a key's signatures and subkeys. */
function stampOf(key: Key): string {
  const parts: (string | number)[] = [key.revocationSignatures.length];
  for (const user of key.users) {
    parts.push(`u${user.selfCertifications.length}/${user.revocationSignatures.length}`);
  }
  for (const subkey of key.subkeys) {
    parts.push(
      `s${subkey.getFingerprint()}:${subkey.bindingSignatures.length}/${subkey.revocationSignatures.length}`,
    );
  }
  return parts.join(',');
}

export function recall<T>(key: Key, query: string, now: number): T | undefined {
  const entry = memo.get(key)?.get(query);
  if (!entry) return undefined;
  if (now < entry.checkedAt || now >= entry.validUntil || entry.stamp !== stampOf(key)) {
    memo.get(key)?.delete(query);
    return undefined;
  }
  return entry.result as T;
}

export function remember<T>(
  key: Key,
  query: string,
  now: number,
  expiresAt: number,
  result: T,
): void {
  let entries = memo.get(key);
  if (!entries) {
    entries = new Map();
    memo.set(key, entries);
  }
  entries.set(query, {
    stamp: stampOf(key),
    checkedAt: now,
    validUntil: Math.min(now + TTL_MS, expiresAt),
    result,
  });
}

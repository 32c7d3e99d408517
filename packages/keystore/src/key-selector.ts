/**
 * What names a keyring key on the command line: a full fingerprint (RFC 9580 §5.5.4), a long
 * key ID (16 hex digits: the low 64 bits of a v4 fingerprint, the high 64 bits of a v6 one),
 * either with or without `0x`, or an e-mail address of its user IDs. Short (8-digit) key IDs
 * are refused: they collide too easily to name a key.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { Keyring, KeyringEntry } from './keyring.js';

const FINGERPRINT = /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/;
const LONG_KEY_ID = /^[0-9A-F]{16}$/;

/** The 64-bit key ID of a primary key from its fingerprint (v4: last 8 octets; v6: first 8). */
export function longKeyId(fingerprint: string): string {
  return fingerprint.length === 64 ? fingerprint.slice(0, 16) : fingerprint.slice(-16);
}

function compact(selector: string): string {
  return selector.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
}

/** Every keyring entry the selector names (none when it names no key); EUSAGE when malformed. */
export function matchKeys(keyring: Keyring, selector: string): KeyringEntry[] {
  if (selector.includes('@')) return keyring.findByEmail(selector);
  const hex = compact(selector);
  if (FINGERPRINT.test(hex)) return keyring.list().filter((e) => e.fingerprint === hex);
  if (LONG_KEY_ID.test(hex)) return keyring.list().filter((e) => longKeyId(e.fingerprint) === hex);
  throw new SealpostError(
    'EUSAGE',
    `${quoteUntrusted(selector)} names no key: give a full fingerprint, a long key ID (16 hex digits, "0x" allowed) or an e-mail address.`,
  );
}

/** The one key the selector names: EKEY_NOT_FOUND for none, EKEY_AMBIGUOUS (listing them) for several. */
export function matchOneKey(keyring: Keyring, selector: string): KeyringEntry {
  const matches = matchKeys(keyring, selector);
  const [first] = matches;
  if (!first) {
    throw new SealpostError(
      'EKEY_NOT_FOUND',
      `No key in the keyring for ${quoteUntrusted(selector)} ("sealpost keys list" shows them).`,
    );
  }
  if (matches.length > 1) {
    throw new SealpostError(
      'EKEY_AMBIGUOUS',
      `${quoteUntrusted(selector)} names ${matches.length} keys: ${matches.map((m) => `${m.fingerprint} (${m.emails.join(', ') || 'no address'})`).join('; ')}. Name one by its full fingerprint.`,
      { details: { selector, matches: matches.map((m) => m.fingerprint) } },
    );
  }
  return first;
}

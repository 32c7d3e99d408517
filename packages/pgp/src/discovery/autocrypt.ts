/**
 * The Autocrypt header (Autocrypt Level 1, §2.1 and §2.3): `addr=…; [prefer-encrypt=mutual;]
 * keydata=<base64 of a minimal OpenPGP key>`. Unknown critical attributes make the header
 * invalid; attributes starting with "_" are optional and ignored.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { KeyProvenance } from '../keys/key-source.js';
import { type Key, type PublicKey, readPublicKey } from '../keys/read-keys.js';
import type { DiscoveredKey } from './wkd.js';

export interface AutocryptHeader {
  readonly addr: string;
  readonly preferEncrypt: 'mutual' | 'nopreference';
  readonly keydata: Uint8Array;
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Parses an Autocrypt header value. Returns undefined when the header must be ignored
 * (Level 1 §2.3: missing addr/keydata, unknown critical attribute, or addr ≠ From).
 */
export function parseAutocryptHeader(
  value: string,
  options: { from?: string } = {},
): AutocryptHeader | undefined {
  const attributes = new Map<string, string>();
  for (const item of value.split(';')) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const name = item.slice(0, eq).trim().toLowerCase();
    if (attributes.has(name)) return undefined;
    attributes.set(name, item.slice(eq + 1).trim());
  }
  for (const name of attributes.keys()) {
    if (!['addr', 'prefer-encrypt', 'keydata'].includes(name) && !name.startsWith('_')) {
      return undefined;
    }
  }
  const addr = attributes.get('addr');
  const keydata = attributes.get('keydata');
  if (!addr || !keydata) return undefined;
  if (options.from !== undefined && options.from.toLowerCase() !== addr.toLowerCase()) {
    return undefined;
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(keydata);
  } catch {
    return undefined;
  }
  return {
    addr,
    preferEncrypt: attributes.get('prefer-encrypt') === 'mutual' ? 'mutual' : 'nopreference',
    keydata: bytes,
  };
}

/** The key of an Autocrypt header, with its source (the message it came in, if given). */
export async function autocryptKey(
  header: AutocryptHeader,
  options: { messageId?: string } = {},
): Promise<DiscoveredKey> {
  const key = await readPublicKey(header.keydata);
  const wanted = header.addr.toLowerCase();
  if (!key.users.some((u) => u.userID?.email.toLowerCase() === wanted)) {
    throw new SealpostError(
      'EKEY_USERID',
      `The Autocrypt key does not carry the address ${quoteUntrusted(header.addr)}.`,
    );
  }
  const source: KeyProvenance = {
    kind: 'autocrypt',
    ...(options.messageId ? { location: options.messageId } : {}),
    obtainedAt: new Date().toISOString(),
  };
  return { key, source };
}

/**
 * Our Autocrypt header value: the public key reduced to the one user ID for `address`
 * (Level 1 §2.1.1 asks for a minimal key). The value is unfolded; the MIME layer folds it.
 */
export function formatAutocryptHeader(
  key: Key,
  address: string,
  options: { preferEncrypt?: 'mutual' } = {},
): string {
  const minimal: PublicKey = key.toPublic();
  const wanted = address.toLowerCase();
  const user = minimal.users.find((u) => u.userID?.email.toLowerCase() === wanted);
  if (!user) {
    throw new SealpostError(
      'EKEY_USERID',
      `The key has no user ID for ${quoteUntrusted(address)}.`,
    );
  }
  minimal.users = [user];
  const parts = [`addr=${address}`];
  if (options.preferEncrypt === 'mutual') parts.push('prefer-encrypt=mutual');
  parts.push(`keydata=${toBase64(minimal.write())}`);
  return parts.join('; ');
}

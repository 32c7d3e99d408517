/**
 * Hash algorithm IDs (RFC 9580 §9.5) to the names RFC 3156 §5 / RFC 4880 §10 use in
 * `micalg=pgp-<name>` (lower case; "ripemd160", not openpgp.js's "ripemd").
 */
const HASH_NAMES: Readonly<Record<number, string>> = {
  1: 'md5',
  2: 'sha1',
  3: 'ripemd160',
  8: 'sha256',
  9: 'sha384',
  10: 'sha512',
  11: 'sha224',
  12: 'sha3-256',
  14: 'sha3-512',
};

export function hashName(id: number | null | undefined): string {
  return (id !== null && id !== undefined && HASH_NAMES[id]) || `unknown-${id ?? 'none'}`;
}

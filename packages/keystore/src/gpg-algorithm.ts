/**
 * Public-key algorithm names as GnuPG prints them (`ed25519`, `cv25519`, `rsa3072`,
 * `nistp256`), from openpgp.js's algorithm info (RFC 9580 §9.1 algorithm IDs, §9.2 curves):
 * the names people already know from `gpg --list-keys`.
 */
import type * as Pgp from '@sealpost/pgp';

const CURVES: Readonly<Record<string, string>> = {
  ed25519Legacy: 'ed25519',
  curve25519Legacy: 'cv25519',
  nistP256: 'nistp256',
  nistP384: 'nistp384',
  nistP521: 'nistp521',
};

const BY_BITS: Readonly<Record<string, string>> = {
  rsaEncryptSign: 'rsa',
  rsaEncrypt: 'rsa',
  rsaSign: 'rsa',
  dsa: 'dsa',
  elgamal: 'elg',
};

const FIXED: Readonly<Record<string, string>> = {
  ed25519: 'ed25519',
  ed448: 'ed448',
  x25519: 'cv25519',
  x448: 'cv448',
};

export function gpgAlgorithmName(info: ReturnType<Pgp.Key['getAlgorithmInfo']>): string {
  const algorithm = String(info.algorithm);
  const prefix = BY_BITS[algorithm];
  if (prefix) return `${prefix}${info.bits ?? ''}`;
  const fixed = FIXED[algorithm];
  if (fixed) return fixed;
  if (info.curve) return CURVES[String(info.curve)] ?? String(info.curve);
  return algorithm;
}

/**
 * HKDF (RFC 5869) as the key-derivation function of X25519 key agreement in CMS (RFC 8418
 * §2.2): IKM is the shared secret Z, the salt is absent (HashLen zero octets), and the info is
 * the DER of ECC-CMS-SharedInfo (RFC 5753 §7.2, built by ecc-cms-kdf.ts).
 */
import { SealpostError } from '@sealpost/errors';
import { OID } from '../oids.js';

/** The HKDF hash of each dhSinglePass-stdDH-hkdf-*-scheme (RFC 8418 §6). */
export const HKDF_SCHEME_HASH: Readonly<Record<string, 'SHA-256' | 'SHA-384' | 'SHA-512'>> = {
  [OID.hkdfSha256Scheme]: 'SHA-256',
  [OID.hkdfSha384Scheme]: 'SHA-384',
  [OID.hkdfSha512Scheme]: 'SHA-512',
};

/** HKDF-Extract then HKDF-Expand; `salt` empty means HashLen zero octets (RFC 5869 §2.2). */
export async function hkdf(
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512',
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  lengthBytes: number,
  crypto: Crypto,
): Promise<Uint8Array> {
  const hashBytes = hash === 'SHA-256' ? 32 : hash === 'SHA-384' ? 48 : 64;
  if (lengthBytes <= 0 || lengthBytes > 255 * hashBytes) {
    throw new SealpostError('ESMIME_UNSUPPORTED', `HKDF cannot derive ${lengthBytes} octets.`);
  }
  const key = await crypto.subtle.importKey('raw', ikm as BufferSource, 'HKDF', false, [
    'deriveBits',
  ]);
  return new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'HKDF', hash, salt: salt as BufferSource, info: info as BufferSource },
      key,
      lengthBytes * 8,
    ),
  );
}

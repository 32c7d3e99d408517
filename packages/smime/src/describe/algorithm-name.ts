/**
 * Readable names of the CMS algorithm identifiers (RFC 5652 §10.1, RFC 5084, RFC 5753, RFC 8017,
 * RFC 8103, RFC 8418, RFC 8419).
 */
import { OID } from '../oids.js';

const ALGORITHMS: Readonly<Record<string, string>> = {
  [OID.rsaEncryption]: 'rsaEncryption (RSA PKCS#1 v1.5)',
  [OID.rsaesOaep]: 'RSAES-OAEP',
  [OID.rsassaPss]: 'RSASSA-PSS',
  [OID.sha256WithRsa]: 'sha256WithRSAEncryption',
  [OID.sha384WithRsa]: 'sha384WithRSAEncryption',
  [OID.sha512WithRsa]: 'sha512WithRSAEncryption',
  [OID.ecPublicKey]: 'ecPublicKey',
  [OID.ecdsaWithSha256]: 'ecdsa-with-SHA256',
  [OID.ecdsaWithSha384]: 'ecdsa-with-SHA384',
  [OID.ecdsaWithSha512]: 'ecdsa-with-SHA512',
  [OID.ecdhSha256Kdf]: 'dhSinglePass-stdDH-sha256kdf (ECDH)',
  [OID.ecdhSha384Kdf]: 'dhSinglePass-stdDH-sha384kdf (ECDH)',
  [OID.ecdhSha512Kdf]: 'dhSinglePass-stdDH-sha512kdf (ECDH)',
  [OID.ecdhSha1Kdf]: 'dhSinglePass-stdDH-sha1kdf (ECDH)',
  [OID.aes128Cbc]: 'aes128-CBC',
  [OID.aes192Cbc]: 'aes192-CBC',
  [OID.aes256Cbc]: 'aes256-CBC',
  [OID.aes128Gcm]: 'aes128-GCM',
  [OID.aes192Gcm]: 'aes192-GCM',
  [OID.aes256Gcm]: 'aes256-GCM',
  [OID.desEde3Cbc]: 'des-ede3-cbc (weak)',
  [OID.rc2Cbc]: 'rc2-cbc (weak)',
  [OID.chacha20Poly1305]: 'AEADChaCha20Poly1305',
  [OID.ed25519]: 'Ed25519',
  [OID.x25519]: 'X25519',
  [OID.hkdfSha256Scheme]: 'dhSinglePass-stdDH-hkdf-sha256 (X25519)',
  [OID.hkdfSha384Scheme]: 'dhSinglePass-stdDH-hkdf-sha384 (X25519)',
  [OID.hkdfSha512Scheme]: 'dhSinglePass-stdDH-hkdf-sha512 (X25519)',
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/** A readable algorithm name with its OID, e.g. "aes256-GCM (2.16.840.1.101.3.4.1.46)". */
export function algorithmName(oid: string): string {
  const name = ALGORITHMS[oid];
  return name ? `${name} (${oid})` : oid;
}

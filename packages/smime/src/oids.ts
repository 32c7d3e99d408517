/**
 * Object identifiers used by CMS (RFC 5652, 5083, 5084, 5753, 8017, 8103, 8418, 8419), PKCS#12
 * (RFC 7292 App. C) and S/MIME (RFC 8551).
 */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',

  contentTypeAttr: '1.2.840.113549.1.9.3',
  messageDigestAttr: '1.2.840.113549.1.9.4',
  signingTimeAttr: '1.2.840.113549.1.9.5',
  smimeCapabilitiesAttr: '1.2.840.113549.1.9.15',
  emailAddress: '1.2.840.113549.1.9.1',

  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  aes128Gcm: '2.16.840.1.101.3.4.1.6',
  aes192Gcm: '2.16.840.1.101.3.4.1.26',
  aes256Gcm: '2.16.840.1.101.3.4.1.46',
  aes128Wrap: '2.16.840.1.101.3.4.1.5',
  aes192Wrap: '2.16.840.1.101.3.4.1.25',
  aes256Wrap: '2.16.840.1.101.3.4.1.45',
  desEde3Cbc: '1.2.840.113549.3.7',
  rc2Cbc: '1.2.840.113549.3.2',
  chacha20Poly1305: '1.2.840.113549.1.9.16.3.18',

  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha224: '2.16.840.1.101.3.4.2.4',

  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',

  ed25519: '1.3.101.112',
  x25519: '1.3.101.110',
  hkdfSha256Scheme: '1.2.840.113549.1.9.16.3.19',
  hkdfSha384Scheme: '1.2.840.113549.1.9.16.3.20',
  hkdfSha512Scheme: '1.2.840.113549.1.9.16.3.21',

  pbeSha3DesCbc: '1.2.840.113549.1.12.1.3',
  pbeSha2DesCbc: '1.2.840.113549.1.12.1.4',
  pbeSha128Rc2Cbc: '1.2.840.113549.1.12.1.5',
  pbeSha40Rc2Cbc: '1.2.840.113549.1.12.1.6',

  ecdhSha1Kdf: '1.3.133.16.840.63.0.2',
  ecdhSha224Kdf: '1.3.132.1.11.0',
  ecdhSha256Kdf: '1.3.132.1.11.1',
  ecdhSha384Kdf: '1.3.132.1.11.2',
  ecdhSha512Kdf: '1.3.132.1.11.3',

  emailProtection: '1.3.6.1.5.5.7.3.4',
  anyExtendedKeyUsage: '2.5.29.37.0',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
} as const;

export const CURVE_BY_OID: Readonly<Record<string, 'P-256' | 'P-384' | 'P-521'>> = {
  [OID.p256]: 'P-256',
  [OID.p384]: 'P-384',
  [OID.p521]: 'P-521',
};

export const HASH_BY_OID: Readonly<Record<string, 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'>> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};

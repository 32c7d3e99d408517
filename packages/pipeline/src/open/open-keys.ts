/**
 * What the recipient side is given to open a message: the keys (RFC 3156 §4–5 OpenPGP keys,
 * RFC 8551 §2.4 S/MIME identities and trust anchors) and the options that are not keys.
 */
import type { OpenKeys } from '@sealpost/keystore';
import type * as Pgp from '@sealpost/pgp';
import type * as smime from '@sealpost/smime';

// The keys' shape is the keystore's (its loadOpenKeys fills it); the pipeline only reads it.
export type { OpenKeys, SmimeIdentity } from '@sealpost/keystore';

export interface OpenOptions {
  /**
   * The raw RSA private-key operation, for what Web Crypto does not offer: S/MIME PKCS#1 v1.5
   * key transport (what `openssl cms -encrypt` writes, decision 0041) and OpenPGP RSA session
   * keys (decision 0131; without it openpgp.js uses its slow BigInt code). In Node:
   * `rsaRawDecrypt` from `@sealpost/keystore` (or `@sealpost/smime/node`, the same operation).
   */
  readonly rsaRawDecrypt?: smime.RsaRawDecrypt & Pgp.RsaRawDecrypt;
  /**
   * Ciphers Web Crypto lacks, for reading only: 3DES and RC2 from older clients, ChaCha20-Poly1305
   * (RFC 8103): `contentDecrypt` from `@sealpost/smime/node` in Node.
   */
  readonly contentDecrypt?: smime.ContentDecrypt;
  /** Time for S/MIME certificate checks; default now. */
  readonly now?: Date;
}

/** No keys at all: what `inspect` has, and the start of what an app collects. */
export const NO_KEYS: OpenKeys = {
  pgpPrivateKeys: [],
  pgpPublicKeys: [],
  smimeIdentities: [],
  smimeTrustAnchors: [],
};

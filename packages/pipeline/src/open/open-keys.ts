/**
 * What the recipient side is given to open a message: the keys (RFC 3156 §4–5 OpenPGP keys,
 * RFC 8551 §2.4 S/MIME identities and trust anchors) and the options that are not keys.
 */
import type * as pgp from '@sealpost/pgp';
import type * as smime from '@sealpost/smime';

/** An S/MIME private key with its certificates, leaf first (the RecipientInfo picks one). */
export interface SmimeIdentity {
  readonly privateKey: smime.SmimePrivateKey;
  readonly certificates: readonly smime.SmimeCertificate[];
}

export interface OpenKeys {
  /** Decrypt OpenPGP. */
  readonly pgpPrivateKeys: readonly pgp.PrivateKey[];
  /** Verify OpenPGP signatures. */
  readonly pgpPublicKeys: readonly pgp.PublicKey[];
  /** Decrypt S/MIME. */
  readonly smimeIdentities: readonly SmimeIdentity[];
  /** The CAs an S/MIME signer must chain to (decision 0051). */
  readonly smimeTrustAnchors: readonly smime.SmimeCertificate[];
}

export interface OpenOptions {
  /**
   * RSA PKCS#1 v1.5 key transport (what `openssl cms -encrypt` writes), which Web Crypto does
   * not offer: `rsaRawDecrypt` from `@sealpost/smime/node` in Node (decision 0041).
   */
  readonly rsaRawDecrypt?: smime.RsaRawDecrypt;
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

/** What opening a message returns, whichever scheme it was (RFC 3156 / RFC 8551, RFC 9788 headers). */
import type { HeaderField } from '@sealpost/compose';
import type { E2eScheme } from '@sealpost/keystore';

export interface SignatureLine {
  /** unknown-key: none of the given keys (OpenPGP) or trust anchors (S/MIME) vouches for the signer. */
  readonly status: 'valid' | 'invalid' | 'unknown-key';
  /** OpenPGP fingerprint, or the S/MIME certificate subject. */
  readonly signer: string | null;
  /** OpenPGP issuer key ID. */
  readonly keyId: string | null;
  /** Addresses the S/MIME certificate names. */
  readonly addresses: readonly string[];
  /** When the signature says it was made (OpenPGP creation time, CMS signingTime). */
  readonly created: string | null;
  readonly reason: string | null;
  /** The sealpost error code behind an S/MIME verdict, e.g. ESMIME_CERT_UNTRUSTED. */
  readonly code: string | null;
}

/**
 * The result of `openMessage`. Nothing in it is vouched for unless `signatures` holds a
 * `valid` entry and no `invalid` one.
 */
export interface OpenedMessage {
  readonly scheme: E2eScheme;
  readonly encrypted: boolean;
  /** S/MIME: the CMS structure and algorithms used. OpenPGP: null (see `inspectMessage`). */
  readonly encryption: {
    readonly structure: string;
    readonly contentEncryptionOid: string;
    readonly keyEncryptionOid: string;
  } | null;
  readonly headerProtection: 'cipher' | 'clear' | null;
  /** The header fields to show: the protected ones when hp is present, else the outer ones. */
  readonly headers: readonly HeaderField[];
  readonly outerHeaders: readonly HeaderField[];
  /** What the sender says the outside showed (HP-Outer, only with hp="cipher"). */
  readonly hpOuter: readonly HeaderField[];
  readonly signatures: readonly SignatureLine[];
  /** The inner message: `headers` over the decrypted or signed entity. */
  readonly message: Uint8Array;
}

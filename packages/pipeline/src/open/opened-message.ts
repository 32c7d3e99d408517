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
  /**
   * S/MIME: the addresses the certificate names. OpenPGP: the addresses of the signer's valid
   * user IDs that equal the From address ([] when none does: then `code` is EPGP_SIGNER_ADDRESS).
   */
  readonly addresses: readonly string[];
  /** OpenPGP: the signer key's user IDs as written ("Alice <alice@example.org>"); S/MIME: []. */
  readonly userIds: readonly string[];
  /** When the signature says it was made (OpenPGP creation time, CMS signingTime). */
  readonly created: string | null;
  readonly reason: string | null;
  /**
   * The sealpost error code behind a verdict: ESMIME_CERT_UNTRUSTED, ESMIME_CERT_ADDRESS,
   * EPGP_SIGNER_ADDRESS, ESENDER_AMBIGUOUS (more than one From), ESENDER_MISSING (no From).
   */
  readonly code: string | null;
}

/**
 * The result of `openMessage`. Nothing in it is vouched for unless `signatures` holds a
 * `valid` entry and no `invalid` one.
 */
export interface OpenedMessage {
  readonly scheme: E2eScheme;
  readonly encrypted: boolean;
  /** Inline PGP (RFC 9580 §7 / §6.2 in a text part), not PGP/MIME: only that block is covered. */
  readonly inline: boolean;
  /** S/MIME: the CMS structure and algorithms used. OpenPGP: null (see `inspectMessage`). */
  readonly encryption: {
    readonly structure: string;
    readonly contentEncryptionOid: string;
    readonly keyEncryptionOid: string;
  } | null;
  /**
   * How the ciphertext is protected against change, null when not encrypted. `none`: S/MIME
   * EnvelopedData (CBC) — malleable (EFAIL, USENIX Security 2018); only a valid signature inside
   * vouches for the content. `mdc` / `aead`: OpenPGP SEIPD v1 / v2 (RFC 9580 §5.13), S/MIME
   * AuthEnvelopedData (RFC 5083).
   */
  readonly integrity: 'aead' | 'mdc' | 'none' | null;
  /**
   * RFC 9788 hp= on the payload (`cipher` / `clear`), or `legacy-v1`: the older
   * protected-headers="v1" draft scheme (Enigmail, Thunderbird, Delta Chat), whose header
   * fields are shown but are not RFC 9788 protection. null: none.
   */
  readonly headerProtection: 'cipher' | 'clear' | 'legacy-v1' | null;
  /** The header fields to show: the protected ones when hp is present, else the outer ones. */
  readonly headers: readonly HeaderField[];
  readonly outerHeaders: readonly HeaderField[];
  /** What the sender says the outside showed (HP-Outer, only with hp="cipher"). */
  readonly hpOuter: readonly HeaderField[];
  readonly signatures: readonly SignatureLine[];
  /**
   * What the verdict does not cover, in words (inline PGP: other parts, header fields, text
   * around the block; CBC without a valid signature: malleable). [] when nothing to say.
   */
  readonly notes: readonly string[];
  /** The inner message: `headers` over the decrypted or signed entity. */
  readonly message: Uint8Array;
}

/** Shared shapes of RFC 3156 messages: media types and what opening one returns. */
import type { HeaderField, MimeEntity } from '@sealpost/compose';
import type { SignatureStatus } from '../message/signature-status.js';

/** RFC 3156 §4 and §5 protocol parameters. */
export const PGP_ENCRYPTED = 'application/pgp-encrypted';
export const PGP_SIGNATURE = 'application/pgp-signature';

export interface HeaderProtectionOptions {
  /**
   * RFC 9788 header protection when the input is a whole message (it has RFC 5322 header
   * fields): default true. An input that is only a MIME entity has no headers to protect.
   */
  readonly headerProtection?: boolean;
  /** RFC 9788 §3.2 header confidentiality policy when encrypting; default "baseline". */
  readonly hcp?: 'baseline' | 'no_confidentiality';
}

/**
 * What the recipient side returns for a signed or encrypted PGP/MIME message. Nothing in it
 * is vouched for unless `signatures` holds a `valid` entry and no `invalid` one: with
 * hp="clear", the protected header fields are only as trustworthy as the signature.
 */
export interface OpenedPgpMessage {
  /** The inner entity (the cryptographic payload without its protected header fields). */
  readonly entity: MimeEntity;
  /**
   * The header fields to show: the protected ones when the payload carries hp= (RFC 9788
   * §4.3: unprotected outer fields are then ignored), else the outer ones.
   */
  readonly headers: readonly HeaderField[];
  readonly outerHeaders: readonly HeaderField[];
  /** RFC 9788 hp parameter of the payload, when present. */
  readonly hp: 'cipher' | 'clear' | undefined;
  /** HP-Outer fields (what the sender says the outside showed), only with hp="cipher". */
  readonly hpOuter: readonly HeaderField[];
  readonly encrypted: boolean;
  /**
   * How the ciphertext was integrity-protected, when encrypted: 'mdc' (SEIPD v1, RFC 9580
   * §5.13.1) or 'aead' (SEIPD v2 / AEAD, §5.13.2). Unprotected data is refused, never opened.
   */
  readonly integrity?: 'mdc' | 'aead';
  /** One per signature found (inside the encryption, or the multipart/signed one). */
  readonly signatures: readonly SignatureStatus[];
}

/**
 * The key types sending is planned with: where each key came from and what it is for. The
 * plan never looks inside `material`; the crypto step does (SignerMaterial below).
 */
import type * as Pgp from '@sealpost/pgp';
import type * as Smime from '@sealpost/smime';

export type E2eScheme = 'pgp' | 'smime';

/** Where a key or certificate was found, in the order resolveRecipientKeys() tries them. */
export type KeySource = 'file' | 'keyring' | 'certstore' | 'gnupg' | 'wkd' | 'vks' | 'autocrypt';

/** A usable (already checked) recipient key or certificate. */
export interface RecipientKey {
  readonly scheme: E2eScheme;
  /** Lower-cased address the key was resolved for. */
  readonly address: string;
  /** OpenPGP fingerprint or the certificate's SHA-256 fingerprint, lower-case hex. */
  readonly fingerprint: string;
  readonly source: KeySource;
  /** The key object for the crypto package (openpgp Key, certificate); opaque to planning. */
  readonly material: unknown;
}

/** A key found for an address but refused (expired, revoked, weak...), kept for the "why". */
export interface RejectedKey {
  readonly scheme: E2eScheme;
  readonly address: string;
  readonly fingerprint: string;
  readonly source: KeySource;
  readonly code: string;
  readonly reason: string;
}

export interface SignerKey {
  readonly scheme: E2eScheme;
  readonly fingerprint: string;
  readonly source: KeySource;
  /** PgpSignerMaterial or SmimeSignerMaterial, by scheme. */
  readonly material: unknown;
}

/** What a SignerKey's material holds for OpenPGP: the unlocked secret key. */
export interface PgpSignerMaterial {
  readonly privateKey: Pgp.PrivateKey;
}

/** What a SignerKey's material holds for S/MIME: the certificate, its key and its chain. */
export interface SmimeSignerMaterial {
  readonly certificate: Smime.SmimeCertificate;
  readonly privateKey: Smime.SmimePrivateKey;
  readonly chain?: readonly Smime.SmimeCertificate[];
}

export interface KeySet {
  /** Usable keys by lower-cased address, best first. */
  readonly recipients: ReadonlyMap<string, readonly RecipientKey[]>;
  readonly rejected?: ReadonlyMap<string, readonly RejectedKey[]>;
  readonly signers?: { readonly pgp?: SignerKey; readonly smime?: SignerKey };
}

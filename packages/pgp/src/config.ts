/**
 * The OpenPGP profile sealpost writes by default (RFC 4880 v4 keys, SEIPD v1 with MDC), so
 * GnuPG 2.2 and Thunderbird can read everything it produces; RFC 9580 v6 keys and SEIPD v2
 * (AEAD) only when the caller asks for them. See docs/decisions/0030-openpgp-v4-seipd-v1-default.md.
 */
import { enums, type PartialConfig } from 'openpgp';

/** What the caller may choose; everything else is fixed by the profile. */
export interface OpenPgpProfile {
  /** RFC 9580 v6 keys and SEIPD v2 (AEAD). GnuPG 2.2 and Thunderbird cannot read either. */
  readonly rfc9580?: boolean;
}

/** The openpgp.js configuration for a profile (never a global: passed to every call). */
export function openPgpConfig(profile: OpenPgpProfile = {}): PartialConfig {
  const rfc9580 = profile.rfc9580 === true;
  return {
    v6Keys: rfc9580,
    aeadProtect: rfc9580,
    preferredSymmetricAlgorithm: enums.symmetric.aes256,
    preferredHashAlgorithm: enums.hash.sha256,
    // Compression gains little on mail (attachments are already compressed) and has been an
    // oracle in the past (CRIME-style length leaks); GnuPG reads uncompressed messages.
    preferredCompressionAlgorithm: enums.compression.uncompressed,
    showVersion: false,
    showComment: false,
    // Tag 9 (no MDC) is never accepted (RFC 9580 §5.7): openpgp.js refuses it unless this is set.
    allowUnauthenticatedMessages: false,
    allowUnauthenticatedStream: false,
    minRSABits: 2048,
  };
}

/** What `inspectMessage` reports: what anyone holding a message file can tell without a key. */
import type { MimeNode, ProtectionLayer } from '@sealpost/compose';
import type { PgpEncryptedFacts, PgpSignatureFacts } from '@sealpost/pgp';
import type { CmsEnvelopeFacts, CmsSignerFacts } from '@sealpost/smime';
import type { ExposureMatrix } from '../exposure.js';
import type { Scheme } from '../plan-send.js';

/** Which lines of an inline PGP part the armored block takes (RFC 9580 §7); the rest is not covered. */
export interface InlineCoverage {
  /** 1-based, in the decoded text of the part. */
  readonly firstLine: number;
  readonly lastLine: number;
  readonly totalLines: number;
  /** True when the part has text before or after the block: that text is not covered. */
  readonly surrounded: boolean;
  /** The signed text's first words (cleartext signature only; ciphertext shows none). */
  readonly firstWords: string | null;
}

export interface EncryptionFacts extends ProtectionLayer {
  readonly pgp?: PgpEncryptedFacts;
  readonly cms?: CmsEnvelopeFacts;
  /** Inline PGP only: where the block is in its part. */
  readonly inline?: InlineCoverage;
  /** Set when the encrypted data could not be parsed (the file is damaged or not what it says). */
  readonly error?: string;
}

export interface SignatureFacts extends ProtectionLayer {
  readonly pgp?: readonly PgpSignatureFacts[];
  readonly cms?: readonly CmsSignerFacts[];
  /** Inline PGP only: where the signed block is in its part, and what it begins with. */
  readonly inline?: InlineCoverage;
  readonly error?: string;
}

export interface HeaderProtectionFacts {
  /** The hp parameter when it can be seen (a signed-only payload); null when hidden or absent. */
  readonly hp: 'cipher' | 'clear' | null;
  /**
   * Which scheme the visible signed payload uses: RFC 9788 (hp=), or `legacy-v1`, the older
   * protected-headers="v1" draft (Enigmail, Thunderbird, Delta Chat); null when none is seen.
   */
  readonly scheme: 'rfc9788' | 'legacy-v1' | null;
  /** Names of the header fields inside a visible signed payload (what the signature covers). */
  readonly protectedFields: readonly string[];
  /** Our best reading: true when hp is visible, or the outer Subject is RFC 9788's "[...]". */
  readonly likely: boolean;
  readonly explanation: string;
}

export interface Inspection {
  readonly size: number;
  /** The outer header fields every server sees (decoded RFC 2047 words). */
  readonly headers: {
    readonly from: string | null;
    readonly to: string | null;
    readonly cc: string | null;
    readonly subject: string | null;
    readonly date: string | null;
    readonly messageId: string | null;
  };
  readonly structure: MimeNode;
  readonly encryption: EncryptionFacts | null;
  readonly signature: SignatureFacts | null;
  readonly headerProtection: HeaderProtectionFacts;
  readonly exposure: {
    readonly scheme: Scheme;
    readonly headerProtection: boolean;
    readonly assumption: string;
    readonly matrix: ExposureMatrix;
  };
  readonly notes: readonly string[];
}

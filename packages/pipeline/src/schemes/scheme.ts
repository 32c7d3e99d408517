/**
 * The send side of one end-to-end scheme (RFC 3156 PGP/MIME, RFC 8551 S/MIME) behind one shape,
 * so that building and the self-check never name a crypto library: each adapter loads its
 * package on first use, and a send that needs only one scheme never loads the other.
 */
import { SealpostError } from '@sealpost/errors';
import type { E2eScheme } from '@sealpost/keystore';
import type { BuildOptions } from '../build-messages.js';
import type { PlannedMessage } from '../plan-send.js';
import type { SelfCheckInput } from '../self-check.js';
import { pgpAdapter } from './pgp.js';
import { smimeAdapter } from './smime.js';

export interface SchemeAdapter {
  readonly scheme: E2eScheme;
  /** The scheme's name for people ("OpenPGP", "S/MIME"). */
  readonly displayName: string;
  /**
   * Signs and/or encrypts one planned copy whose `scheme` (or, when not encrypted, `sign`) is
   * this adapter's, with RFC 9788 header protection when the plan asks for it.
   */
  buildCopy(mime: Uint8Array, planned: PlannedMessage, options: BuildOptions): Promise<Uint8Array>;
  /**
   * Verifies our own signature on a signed-only copy with exactly the trust inputs the signer
   * was checked with. Resolves to what is wrong, or undefined when the signature verifies.
   */
  verifyOwnSignature(raw: Uint8Array, input: SelfCheckInput): Promise<string | undefined>;
  /** What protects a copy built with these options, in words, for the report. */
  algorithms(planned: PlannedMessage, options: BuildOptions): string[];
}

/** The adapter that builds a copy: its encryption scheme, else its signature scheme. */
export function copyScheme(
  planned: Pick<PlannedMessage, 'scheme' | 'sign'>,
): E2eScheme | undefined {
  if (planned.scheme !== 'none') return planned.scheme;
  if (planned.sign !== 'none') return planned.sign;
  return undefined;
}

const ADAPTERS: Readonly<Record<E2eScheme, SchemeAdapter>> = {
  pgp: pgpAdapter,
  smime: smimeAdapter,
};

/** The send-side adapter of a scheme (its crypto package is loaded when first used). */
export function schemeAdapter(scheme: E2eScheme): SchemeAdapter {
  const adapter = ADAPTERS[scheme];
  if (!adapter) throw new SealpostError('EINTERNAL', `No adapter for the scheme ${scheme}.`);
  return adapter;
}

/**
 * One end-to-end scheme (RFC 3156 PGP/MIME, RFC 8551 S/MIME) behind one shape, both sides of
 * it: building and self-checking a copy (here) and opening or describing a received message
 * (open-side.ts). Nothing in the pipeline names a crypto library: each adapter loads its
 * package on first use, so a run that needs only one scheme never loads the other.
 */
import type { Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import type { E2eScheme } from '@sealpost/keystore';
import type { BuildOptions } from '../build-messages.js';
import type { PlannedMessage } from '../plan-send.js';
import type { SelfCheckInput } from '../self-check.js';
import type { SignedParts } from '../spool/signed-parts.js';
import type { OpenSide } from './open-side.js';
import { pgpSendSide } from './pgp.js';
import { pgpOpenSide } from './pgp-open.js';
import { smimeSendSide } from './smime.js';
import { smimeOpenSide } from './smime-open.js';

/**
 * Turns the canonical message into the built copy's bytes, as a stream. `open` gives a stream
 * of the message; every builder calls it once (a one-pass build streams straight from compose
 * and refuses a second call).
 * `crlf`: the message is known to be CRLF only (compose wrote it), so its line ends need no
 * rewriting.
 */
export type CopyStreamer = (
  open: () => Readable,
  crlf?: boolean,
) => Promise<AsyncIterable<Uint8Array>>;

/** verifyOwnSignatureParts fed as the copy is written: the content, then what follows it. */
export interface OwnSignatureCheck {
  /** The next bytes of the first part (RFC 1847 §2.1), in order. */
  content(bytes: Uint8Array): void;
  /** The bytes from the delimiter after the first part to the end; resolves to what is wrong. */
  end(rest: Buffer): Promise<string | undefined>;
}

/** The sending half of a scheme adapter. */
export interface SendSide {
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
  /**
   * A streaming builder for this copy (constant memory, issue 12), or undefined when the copy
   * can only be built in memory (buildCopy). It takes the canonical message as a stream.
   */
  streamCopy?(planned: PlannedMessage, options: BuildOptions): CopyStreamer | undefined;
  /**
   * verifyOwnSignature for a spooled signed-only copy: `split()` splits its file afresh each
   * call (the signature part comes last, and is needed before the content is hashed).
   * Undefined: the scheme's signed-only copies are built in memory.
   */
  verifyOwnSignatureParts?(
    split: () => SignedParts,
    input: SelfCheckInput,
  ): Promise<string | undefined>;
  /**
   * The check of our own signature on a signed-only copy, run on the first part's bytes as
   * the copy is written (decision 0141), or undefined when the scheme checks the written file
   * instead (verifyOwnSignatureParts).
   */
  ownSignatureCheck?(input: SelfCheckInput): OwnSignatureCheck | undefined;
  /** What protects a copy built with these options, in words, for the report. */
  algorithms(planned: PlannedMessage, options: BuildOptions): string[];
}

/** Everything the pipeline asks of a scheme, sending and receiving. */
export interface SchemeAdapter extends SendSide, OpenSide {}

/** The adapter that builds a copy: its encryption scheme, else its signature scheme. */
export function copyScheme(
  planned: Pick<PlannedMessage, 'scheme' | 'sign'>,
): E2eScheme | undefined {
  if (planned.scheme !== 'none') return planned.scheme;
  if (planned.sign !== 'none') return planned.sign;
  return undefined;
}

const ADAPTERS: Readonly<Record<E2eScheme, SchemeAdapter>> = {
  pgp: { ...pgpSendSide, ...pgpOpenSide },
  smime: { ...smimeSendSide, ...smimeOpenSide },
};

/** The adapter of a scheme (its crypto package is loaded when first used, not here). */
export function schemeAdapter(scheme: E2eScheme): SchemeAdapter {
  const adapter = ADAPTERS[scheme];
  if (!adapter) throw new SealpostError('EINTERNAL', `No adapter for the scheme ${scheme}.`);
  return adapter;
}

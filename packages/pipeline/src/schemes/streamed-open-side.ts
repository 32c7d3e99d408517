/**
 * The streamed half of a scheme's receiving side (issue 12): opening a message too large for
 * memory (RFC 3156 §4–5 PGP/MIME, RFC 8551 §3.3–3.5 S/MIME) from its file, in constant memory.
 * The adapter only reads the message through `LargeMessage` and hands out what it decrypted
 * as a stream; the pipeline writes that to a private temporary file and releases it only after
 * `checked` has resolved (docs/decisions/0121–0122). A scheme without this half is opened in
 * memory as before.
 */
import type { HeaderField, MimeEntity, ProtectionLayer } from '@sealpost/compose';
import type { OpenKeys, OpenOptions } from '../open/open-keys.js';
import type { OpenedMessage, SignatureLine } from '../open/opened-message.js';

/** A part of a multipart body (RFC 2046 §5.1.1), located in the file but not read. */
export interface LocatedPart {
  /** The part's header fields (its body is not here: `body` is always empty). */
  readonly entity: MimeEntity;
  /** Offsets in the message's canonical (CRLF) bytes: the part from `start` to `end`... */
  readonly start: number;
  readonly end: number;
  /** ...and its body from `bodyStart` to `end`. */
  readonly bodyStart: number;
  /** The part's exact bytes when it is at most 1 MiB (a control or signature part); else null. */
  readonly bytes: Uint8Array | null;
}

/** A message in a file, read in chunks: header fields parsed, the body only when asked. */
export interface LargeMessage {
  /** The message's header fields that are not Content-* (RFC 2045 §9), in order. */
  readonly messageHeaders: readonly HeaderField[];
  /** The top-level entity: its Content-* fields; `body` is always empty. */
  readonly entity: MimeEntity;
  /** What the top-level Content-Type says (compose's protectionLayer). */
  readonly layer: ProtectionLayer;
  /** Where the top-level body starts, and the message's size, in canonical octets. */
  readonly bodyStart: number;
  /** The top-level multipart's parts, located in one streamed pass (EMIME without its close delimiter). */
  parts(): Promise<readonly LocatedPart[]>;
  /** A fresh stream of a part's exact bytes (RFC 1847 §2.1: what a detached signature covers). */
  raw(part: LocatedPart): AsyncIterable<Uint8Array>;
  /**
   * A fresh stream of a part's body with its Content-Transfer-Encoding undone (7bit, 8bit,
   * binary, base64; EMIME for quoted-printable), or of the top-level body without `part`
   * (application/pkcs7-mime).
   */
  decoded(part?: LocatedPart): AsyncIterable<Uint8Array>;
}

/** What the checks found, known once the payload was read through. */
export interface StreamedFacts {
  readonly encryption: OpenedMessage['encryption'];
  readonly integrity: OpenedMessage['integrity'];
  /** Notes as OpenedMessage.notes (a weak cipher, …). */
  readonly notes: readonly string[];
  /**
   * The signature lines, each signer bound to the From of `headers`: the header fields that
   * will be shown (the protected ones with hp=), known only once the payload's header
   * section has been read. The pipeline's own sender checks (one From, legacy-v1) follow.
   */
  signatures(headers: readonly HeaderField[]): Promise<readonly SignatureLine[]>;
}

/**
 * What opening yields: the payload entity (headers and body, MIME) and a promise of the
 * checks. `stream`: decrypted (or the eContent of opaque signed-data), not authenticated
 * until the iterable ended without error AND `checked` resolved; the pipeline reads it
 * through into a private file at once. `part`: a part of the message file itself (the
 * content of multipart/signed), already checked when `checked` resolves.
 */
export type StreamedPayload =
  | { readonly kind: 'stream'; readonly bytes: AsyncIterable<Uint8Array> }
  | { readonly kind: 'part'; readonly part: LocatedPart };

export interface StreamedOpening {
  readonly payload: StreamedPayload;
  /**
   * Resolves when every end-of-stream check passed (MDC, AEAD / GCM tag, signature digests):
   * for `stream` only after the payload was read through. Rejects with the scheme's code
   * (EDECRYPT, ESMIME_DECRYPT, …) when one failed: then nothing of the payload is released.
   */
  readonly checked: Promise<StreamedFacts>;
}

export interface StreamedOpenSide {
  /** Decrypts (and checks a signature inside the encryption); EUSAGE without a key of its kind. */
  decrypt(message: LargeMessage, keys: OpenKeys, options: OpenOptions): Promise<StreamedOpening>;
  /** Verifies a signed message; a signature verdict is not an error, a malformed one is. */
  verify(message: LargeMessage, keys: OpenKeys, options: OpenOptions): Promise<StreamedOpening>;
}

import type { Readable } from 'node:stream';

/**
 * The SMTP envelope (RFC 5321 §3.3): MAIL FROM and RCPT TO. Bcc recipients live only here,
 * never as headers in the bytes. Structurally the same as @sealpost/compose's Envelope, so a
 * composed message can be handed over without this package depending on compose.
 */
export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
}

/** What every transport accepts: the envelope and the message bytes, nothing else. */
export interface SendInput {
  readonly envelope: Envelope;
  /** The RFC 5322 message with CRLF line ends, as bytes or as a stream (not buffered). */
  readonly raw: Uint8Array | Readable;
}

import type { Readable } from 'node:stream';

/**
 * The SMTP envelope (RFC 5321 §3.3): MAIL FROM and RCPT TO. Bcc recipients live only here,
 * never as headers in the bytes. @sealpost/compose's Envelope fits it structurally (decision
 * 0073), so a composed message is handed over without this package depending on compose.
 */
export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
  /**
   * An address has a non-ASCII local part (RFC 6531 §3.4): MAIL FROM carries SMTPUTF8, and a
   * server that does not offer the extension is refused before anything is sent.
   */
  readonly smtputf8?: boolean;
  /** The message has 8-bit octets (RFC 6152): MAIL FROM carries BODY=8BITMIME when offered. */
  readonly eightBitMime?: boolean;
}

/** What every transport accepts: the envelope and the message bytes, nothing else. */
export interface SendInput {
  readonly envelope: Envelope;
  /** The RFC 5322 message with CRLF line ends, as bytes or as a stream (not buffered). */
  readonly raw: Uint8Array | Readable;
  /**
   * The bytes were checked to have CRLF line ends only, no bare CR or LF (the pipeline's
   * self-check does): the DATA stream then only dot-stuffs and skips its own line-end scans.
   */
  readonly crlfChecked?: boolean;
  /**
   * The message's size in octets as given (CRLF line ends, before dot-stuffing), when known.
   * MAIL FROM then declares it (RFC 1870 SIZE=), and a message larger than the limit the server
   * announced in EHLO is refused before MAIL FROM: nothing of it is sent.
   */
  readonly size?: number;
}

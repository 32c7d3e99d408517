/**
 * The base64 Content-Transfer-Encoding of a stream (RFC 2045 §6.8) in 76-character lines
 * joined by CRLF, with no CRLF after the last line: byte for byte what nodemailer's encoder
 * writes, which copied every line with its own call and, for chunks over 96 KiB, made
 * strings in V8's large-object space. Here each chunk is encoded in native base64 calls on
 * whole lines (57 octets each; up to 56 are carried to the next chunk) and spread into lines
 * in place.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Octets per line: 57 octets are 76 base64 characters. */
const LINE_OCTETS = 57;
const LINE_CHARS = 76;
/** A line with the CRLF before it. */
const LINE = LINE_CHARS + 2;
/**
 * The octets encoded in one call: 87,324 characters, below V8's regular heap object size
 * (128 KiB); longer strings cost about seven times as much per octet (17 vs 130 ms per 100 MiB).
 */
const PIECE_OCTETS = LINE_OCTETS * 1149;
const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * The chunks a Base64Lines wrote, unchanged: ASCII only, CRLF line ends, lines of at most
 * 76 octets. CanonicalLineEnds passes them without scanning them again.
 */
const encodedChunks = new WeakSet<Uint8Array>();

/** Whether `chunk` is one a Base64Lines wrote (see encodedChunks). */
export function isBase64LinesChunk(chunk: Uint8Array): boolean {
  return encodedChunks.has(chunk);
}

export interface Base64LinesOptions {
  /** Bytes written before the encoded content (a part's header section and its empty line). */
  readonly head?: Uint8Array;
}

export class Base64Lines extends Transform {
  /** Fewer than 57 octets waiting for the rest of their line. */
  private carry: Buffer = EMPTY;
  /** A line was written: the next one starts with the CRLF that ends it. */
  private written = false;

  constructor(options: Base64LinesOptions = {}) {
    super();
    if (options.head && options.head.length > 0) this.push(options.head);
  }

  override _transform(
    chunk: Buffer | Uint8Array | string,
    encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    if (this.carry.length > 0) {
      const need = LINE_OCTETS - this.carry.length;
      if (bytes.length < need) {
        this.carry = Buffer.concat([this.carry, bytes]);
        callback();
        return;
      }
      const first = Buffer.concat([this.carry, bytes.subarray(0, need)]);
      bytes = bytes.subarray(need);
      this.carry = EMPTY;
      const whole = bytes.length - (bytes.length % LINE_OCTETS);
      this.emit64([first, bytes.subarray(0, whole)]);
      this.carry = Buffer.from(bytes.subarray(whole));
    } else {
      const whole = bytes.length - (bytes.length % LINE_OCTETS);
      this.emit64([bytes.subarray(0, whole)]);
      this.carry = Buffer.from(bytes.subarray(whole));
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.emit64([this.carry]);
    this.carry = EMPTY;
    callback();
  }

  /** Encodes the parts (each whole lines, or the short last one) into one output chunk. */
  private emit64(parts: readonly Uint8Array[]): void {
    let octets = 0;
    for (const part of parts) octets += part.length;
    if (octets === 0) return;
    const out = Buffer.allocUnsafe(base64LinesLength(octets));
    let at = 0;
    for (const part of parts) at = writeBase64Lines(part, out, at);
    // The first line of the whole encoding has no CRLF before it.
    const chunk = this.written ? out : out.subarray(2);
    this.written = true;
    encodedChunks.add(chunk);
    this.push(chunk);
  }
}

/** The room writeBase64Lines needs for `octets` octets: 78 per line, the last one shorter. */
export function base64LinesLength(octets: number): number {
  if (octets === 0) return 0;
  const lines = Math.ceil(octets / LINE_OCTETS);
  return (lines - 1) * LINE + 2 + Math.ceil((octets - (lines - 1) * LINE_OCTETS) / 3) * 4;
}

/**
 * Writes the base64 of `bytes` (a multiple of 57 octets, except for the end of the content)
 * into `out` at `at` as 76-character lines, each preceded by CRLF (RFC 2045 §6.8), in native
 * calls of up to 65,493 octets; returns the index after the last line.
 */
export function writeBase64Lines(bytes: Uint8Array, out: Buffer, at: number): number {
  let end = at;
  for (let from = 0; from < bytes.length; from += PIECE_OCTETS)
    end = writePiece(bytes.subarray(from, from + PIECE_OCTETS), out, end);
  return end;
}

/** writeBase64Lines for at most PIECE_OCTETS octets. */
function writePiece(bytes: Uint8Array, out: Buffer, at: number): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  // Contiguous first, after the first CRLF, then spread into lines from the back so that no
  // line is overwritten before it has moved.
  out.write(text, at + 2, 'latin1');
  const lines = Math.ceil(text.length / LINE_CHARS);
  for (let i = lines - 1; i >= 0; i--) {
    const from = at + 2 + i * LINE_CHARS;
    const to = at + i * LINE;
    if (i > 0)
      out.copyWithin(to + 2, from, from + Math.min(LINE_CHARS, text.length - i * LINE_CHARS));
    out[to] = CR;
    out[to + 1] = LF;
  }
  return at + text.length + lines * 2;
}

/**
 * The SMTP DATA transparency procedure (RFC 5321 §4.5.2) at native speed for canonical
 * messages. nodemailer's DataStream looks at every octet in JavaScript (about 3–5 s/GB here),
 * which made the DATA stream of a large message cost more than building it. For a chunk whose
 * CR and LF octets are all CRLF pairs, checked with native scans, only lines that start with
 * "." need work, found with a native search for LF ".". Any other chunk (a bare CR or LF,
 * a string) goes through nodemailer's own transform, so the bytes on the wire are exactly
 * those DataStream would send, its smuggling defences included.
 */
import type { Transform, TransformCallback } from 'node:stream';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const LF_DOT = Buffer.from('\n.');

/** The state DataStream keeps on itself (its `_flush` ends the data after `lastByte`). */
export interface DataStreamState extends Transform {
  inByteCount: number;
  outByteCount: number;
  /** The last octet passed; false before the first (the start of the first line). */
  lastByte: number | false;
}

/** Whether every CR and LF in `chunk` belongs to a CRLF pair, `previous` being the octet before. */
function crlfOnly(chunk: Buffer, previous: number | false): boolean {
  if (previous === CR && chunk[0] !== LF) return false;
  for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
    if ((i === 0 ? previous : chunk[i - 1]) !== CR) return false;
  }
  // A CR as the last octet is paired (or not) by the next chunk's first octet, checked above.
  for (let i = chunk.indexOf(CR); i !== -1 && i + 1 < chunk.length; i = chunk.indexOf(CR, i + 1)) {
    if (chunk[i + 1] !== LF) return false;
  }
  return true;
}

/** `chunk` with a "." added before each line-initial "." (RFC 5321 §4.5.2). */
function stuffDots(chunk: Buffer, previous: number | false): Buffer {
  const starts: number[] = [];
  if (chunk[0] === DOT && (previous === LF || previous === false)) starts.push(0);
  for (let i = chunk.indexOf(LF_DOT); i !== -1; i = chunk.indexOf(LF_DOT, i + 2)) {
    starts.push(i + 1);
  }
  if (starts.length === 0) return chunk;
  const out = Buffer.allocUnsafe(chunk.length + starts.length);
  let from = 0;
  let to = 0;
  for (const at of starts) {
    to += chunk.copy(out, to, from, at);
    out[to++] = DOT;
    from = at;
  }
  chunk.copy(out, to, from);
  return out;
}

/**
 * Gives one DataStream the native fast path for CRLF-only chunks; other chunks as before.
 * `crlfChecked`: the caller checked the whole message is CRLF only, so the per-line scans for
 * bare CR and LF (most of the remaining cost) are skipped.
 */
export function speedUpDataStream(stream: DataStreamState, crlfChecked = false): void {
  const own = stream._transform.bind(stream);
  stream._transform = (chunk: unknown, encoding: BufferEncoding, done: TransformCallback) => {
    if (
      !Buffer.isBuffer(chunk) ||
      chunk.length === 0 ||
      !(crlfChecked || crlfOnly(chunk, stream.lastByte))
    ) {
      own(chunk, encoding, done);
      return;
    }
    const out = stuffDots(chunk, stream.lastByte);
    stream.inByteCount += chunk.length;
    stream.outByteCount += out.length;
    stream.lastByte = chunk[chunk.length - 1]!;
    stream.push(out);
    done();
  };
}

const FAST = Symbol('sealpost fast DATA stream');
const CHECKED = Symbol('sealpost CRLF-checked message');

interface SendStreamFactory {
  _createSendStream?: (callback: unknown) => DataStreamState;
  [FAST]?: true;
  /** Whether the message about to be sent is CRLF-checked (sends on a connection are serial). */
  [CHECKED]?: boolean;
}

/**
 * Makes the next DATA stream of `connection` (and every later one) use the fast path, for a
 * message whose line ends are `crlfChecked` or not. nodemailer creates the stream inside send()
 * (the private `_createSendStream`); if a nodemailer update removes it, its own stream is used
 * unchanged.
 */
export function useFastDataStream(connection: SMTPConnection, crlfChecked = false): void {
  const factory = connection as unknown as SendStreamFactory;
  factory[CHECKED] = crlfChecked;
  const create = factory._createSendStream;
  if (factory[FAST] || typeof create !== 'function') return;
  factory[FAST] = true;
  factory._createSendStream = function (this: unknown, callback: unknown) {
    const stream = create.call(this, callback);
    speedUpDataStream(stream, factory[CHECKED] === true);
    return stream;
  };
}

/**
 * Finding the parts of a multipart body (RFC 2046 §5.1.1) in a stream of canonical octets,
 * without holding the body: the same delimiter rules as compose's parseMultipart (a delimiter
 * line starts a line, "--" closes, transport padding may follow), so a large message splits
 * exactly where the in-memory path would split it.
 */
import { parseEntity } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { LocatedPart } from '../schemes/streamed-open-side.js';

const CR = 0x0d;
const LF = 0x0a;
/** A part up to this size is kept whole; longer parts keep only this much (their header). */
export const SMALL_PART = 1024 * 1024;
/** Transport padding (LWSP after the boundary) longer than this is not waited for. */
const MAX_PADDING = 1000;

function mimeError(message: string): SealpostError {
  return new SealpostError('EMIME', message);
}

/** A part's header fields and body offset from its first octets (up to SMALL_PART). */
function locatedPart(start: number, end: number, head: Buffer): LocatedPart {
  const whole = end - start <= SMALL_PART;
  let bodyAt: number;
  if (head[0] === CR && head[1] === LF) bodyAt = 2;
  else {
    const at = head.indexOf('\r\n\r\n');
    if (at === -1 && !whole) throw mimeError('A MIME part has a header section over 1 MiB.');
    bodyAt = at === -1 ? end - start : at + 4;
  }
  const entity = parseEntity(new Uint8Array(head.subarray(0, bodyAt)));
  return {
    entity: { headers: entity.headers, body: new Uint8Array(0) },
    start,
    end,
    bodyStart: start + bodyAt,
    bytes: whole ? new Uint8Array(head.subarray(0, end - start)) : null,
  };
}

/**
 * The parts between the first delimiter and the close delimiter of a body given as canonical
 * chunks starting at absolute offset `base`. EMIME without a first part or a close delimiter.
 */
export async function locateParts(
  chunks: AsyncIterable<Buffer>,
  boundary: string,
  base: number,
): Promise<LocatedPart[]> {
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  const parts: LocatedPart[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  let bufferAt = base; // absolute offset of buffer[0]
  let searchAt = 0; // index in buffer where the next delimiter may start
  let partStart = -1; // absolute offset of the current part's first octet
  let head: Buffer[] = [];
  let headLength = 0;
  let closed = false;

  // Keeps the first SMALL_PART octets of the current part, up to absolute offset `upTo`.
  let keptUpTo = base;
  const keep = (upTo: number) => {
    if (partStart === -1 || upTo <= keptUpTo) return;
    const from = Math.max(keptUpTo, partStart);
    const room = SMALL_PART + 1 - headLength;
    if (room > 0 && upTo > from) {
      const slice = buffer.subarray(from - bufferAt, Math.min(upTo, from + room) - bufferAt);
      head.push(Buffer.from(slice));
      headLength += slice.length;
    }
    keptUpTo = upTo;
  };

  /** Handles the delimiters in the buffer; false when one needs more octets to be judged. */
  const scan = (final: boolean): void => {
    for (;;) {
      const i = buffer.indexOf(dash, searchAt);
      if (i === -1) {
        searchAt = Math.max(searchAt, buffer.length - dash.length + 1);
        return;
      }
      const absolute = bufferAt + i;
      const atLineStart = absolute === base || (buffer[i - 1] === LF && buffer[i - 2] === CR);
      if (!atLineStart) {
        searchAt = i + 1;
        continue;
      }
      let j = i + dash.length;
      if (!final && j + 2 > buffer.length) return;
      const close = buffer[j] === 0x2d && buffer[j + 1] === 0x2d;
      if (close) j += 2;
      while (j < buffer.length && (buffer[j] === 0x20 || buffer[j] === 0x09)) j++;
      if (!final && j + 2 > buffer.length) {
        if (j - i > dash.length + 2 + MAX_PADDING) searchAt = i + 1;
        return;
      }
      let next: number;
      if (j === buffer.length) next = bufferAt + j;
      else if (buffer[j] === CR && buffer[j + 1] === LF) next = bufferAt + j + 2;
      else {
        searchAt = i + 1;
        continue;
      }
      const delimiterStart = absolute === base ? base : absolute - 2;
      if (partStart !== -1) {
        keep(delimiterStart);
        const end = Math.max(partStart, delimiterStart);
        parts.push(locatedPart(partStart, end, Buffer.concat(head)));
      }
      if (close) {
        if (partStart === -1) throw mimeError(`Multipart body has no part for boundary.`);
        closed = true;
        return;
      }
      partStart = next;
      keptUpTo = next;
      head = [];
      headLength = 0;
      searchAt = next - bufferAt;
    }
  };

  for await (const chunk of chunks) {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    scan(false);
    if (closed) break;
    // Drop what is decided, keeping two octets before the next candidate (its line start).
    const drop = Math.max(0, Math.min(searchAt - 2, buffer.length));
    keep(bufferAt + drop);
    buffer = buffer.subarray(drop);
    bufferAt += drop;
    searchAt -= drop;
  }
  if (!closed) scan(true);
  if (partStart === -1 && parts.length === 0) {
    throw mimeError('Multipart body has no part for its boundary.');
  }
  if (!closed) throw mimeError('Multipart body ends without its close delimiter.');
  return parts;
}

/**
 * The two parts of a spooled multipart/signed copy (RFC 1847 §2.1), read from its file in
 * chunks: the signed first part as a stream (the bytes between the first delimiter line and
 * the CRLF before the next, RFC 2046 §5.1.1), then the rest, small, as bytes.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fail } from '../self-check.js';
import { SPOOL_READ } from './spooled-copy.js';

const MAX_SMALL = 1024 * 1024;

export interface SignedParts {
  /** The first part's exact bytes, streamed. */
  readonly content: Readable;
  /** From the delimiter after the first part to the end; known once `content` has been read. */
  rest(): Buffer;
  /**
   * The same bytes as `rest()`, read before `content` from the end of the file: from the last
   * delimiter that opens a part. Whoever uses it must check it equals `rest()` afterwards
   * (it does when the message has exactly two parts, as multipart/signed must).
   */
  lastPart(): Buffer;
}

/** Reads the file's last `MAX_SMALL` octets and more and returns them from the last `open`. */
function fromLastDelimiter(path: string, bodyStart: number, open: Buffer): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(bodyStart, size - MAX_SMALL - 64 * 1024);
    const tail = Buffer.alloc(size - start);
    readSync(fd, tail, 0, tail.length, start);
    // The delimiter with the CRLF before it (RFC 2046 §5.1.1), as rest() starts.
    const at = tail.lastIndexOf(Buffer.concat([Buffer.from('\r\n'), open]));
    if (at === -1) fail('no second part in multipart/signed within 1 MiB of the end');
    return tail.subarray(at);
  } finally {
    closeSync(fd);
  }
}

/** Splits the file's body (from `bodyStart`) at the `boundary` delimiters. */
export function signedParts(path: string, bodyStart: number, boundary: string): SignedParts {
  const open = Buffer.from(`--${boundary}\r\n`);
  const close = Buffer.from(`\r\n--${boundary}`);
  const tail: Buffer[] = [];
  let done = false;
  async function* firstPart(): AsyncGenerator<Buffer> {
    let buffered: Buffer = Buffer.alloc(0);
    let phase: 'preamble' | 'part' | 'tail' = 'preamble';
    let tailLength = 0;
    for await (const value of createReadStream(path, {
      start: bodyStart,
      highWaterMark: SPOOL_READ,
    })) {
      const chunk = value as Buffer;
      if (phase === 'tail') {
        tail.push(chunk);
        tailLength += chunk.length;
        if (tailLength > MAX_SMALL) fail('the signature part is over 1 MiB');
        continue;
      }
      buffered = buffered.length > 0 ? Buffer.concat([buffered, chunk]) : chunk;
      if (phase === 'preamble') {
        const at = buffered.indexOf(open);
        if (at === -1) {
          if (buffered.length > MAX_SMALL) fail('no first part in multipart/signed');
          continue;
        }
        if (at > 0 && !(buffered[at - 2] === 0x0d && buffered[at - 1] === 0x0a))
          fail('the first delimiter of multipart/signed is not at a line start');
        buffered = buffered.subarray(at + open.length);
        phase = 'part';
      }
      const end = buffered.indexOf(close);
      if (end === -1) {
        const keep = close.length - 1;
        if (buffered.length > keep) {
          yield buffered.subarray(0, buffered.length - keep);
          buffered = Buffer.from(buffered.subarray(buffered.length - keep));
        }
        continue;
      }
      if (end > 0) yield buffered.subarray(0, end);
      tail.push(buffered.subarray(end));
      tailLength = buffered.length - end;
      buffered = Buffer.alloc(0);
      phase = 'tail';
    }
    if (phase !== 'tail') fail('multipart/signed has no second part');
    done = true;
  }
  return {
    content: Readable.from(firstPart()),
    rest() {
      if (!done) throw new Error('signedParts: read the content first');
      return Buffer.concat(tail);
    },
    lastPart: () => fromLastDelimiter(path, bodyStart, open),
  };
}

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

/**
 * The same split fed the body's bytes in order (as they are written, or read from a file):
 * the first part's bytes go to `onContent` as they are found, the rest is kept (≤ 1 MiB).
 */
export class SignedPartSplitter {
  private readonly open: Buffer;
  private readonly close: Buffer;
  private buffered: Buffer = Buffer.alloc(0);
  private phase: 'preamble' | 'part' | 'tail' = 'preamble';
  private readonly tail: Buffer[] = [];
  private tailLength = 0;

  constructor(
    boundary: string,
    private readonly onContent: (bytes: Buffer) => void,
  ) {
    this.open = Buffer.from(`--${boundary}\r\n`);
    this.close = Buffer.from(`\r\n--${boundary}`);
  }

  /** The next bytes of the body; throws ESELFCHECK when the structure is wrong. */
  push(chunk: Buffer): void {
    if (this.phase === 'tail') {
      this.keepTail(Buffer.from(chunk));
      return;
    }
    let buffered: Buffer;
    const keep = this.close.length - 1;
    if (this.phase === 'part' && this.buffered.length > 0 && chunk.length >= keep) {
      // Only the kept octets and the chunk's first ones can hold a delimiter across the
      // border: looked at joined, so the chunk itself is not copied.
      const kept = this.buffered;
      const at = Buffer.concat([kept, chunk.subarray(0, keep)]).indexOf(this.close);
      if (at !== -1) {
        if (at > 0) this.onContent(kept.subarray(0, at));
        this.buffered = Buffer.alloc(0);
        this.phase = 'tail';
        this.keepTail(Buffer.concat([kept.subarray(at), chunk]));
        return;
      }
      this.onContent(kept);
      buffered = chunk;
    } else {
      buffered = this.buffered.length > 0 ? Buffer.concat([this.buffered, chunk]) : chunk;
    }
    if (this.phase === 'preamble') {
      const at = buffered.indexOf(this.open);
      if (at === -1) {
        if (buffered.length > MAX_SMALL) fail('no first part in multipart/signed');
        this.buffered = Buffer.from(buffered);
        return;
      }
      if (at > 0 && !(buffered[at - 2] === 0x0d && buffered[at - 1] === 0x0a))
        fail('the first delimiter of multipart/signed is not at a line start');
      buffered = buffered.subarray(at + this.open.length);
      this.phase = 'part';
    }
    const end = buffered.indexOf(this.close);
    if (end === -1) {
      if (buffered.length > keep) {
        this.onContent(buffered.subarray(0, buffered.length - keep));
        this.buffered = Buffer.from(buffered.subarray(buffered.length - keep));
      } else {
        this.buffered = Buffer.from(buffered);
      }
      return;
    }
    if (end > 0) this.onContent(buffered.subarray(0, end));
    this.buffered = Buffer.alloc(0);
    this.phase = 'tail';
    this.keepTail(Buffer.from(buffered.subarray(end)));
  }

  private keepTail(bytes: Buffer): void {
    this.tail.push(bytes);
    this.tailLength += bytes.length;
    if (this.tailLength > MAX_SMALL) fail('the signature part is over 1 MiB');
  }

  /** After the last byte: from the delimiter after the first part to the end. */
  end(): Buffer {
    if (this.phase !== 'tail') fail('multipart/signed has no second part');
    return Buffer.concat(this.tail);
  }
}

/** Splits the file's body (from `bodyStart`) at the `boundary` delimiters. */
export function signedParts(path: string, bodyStart: number, boundary: string): SignedParts {
  let rest: Buffer | undefined;
  async function* firstPart(): AsyncGenerator<Buffer> {
    let found: Buffer[] = [];
    const splitter = new SignedPartSplitter(boundary, (bytes) => found.push(bytes));
    for await (const value of createReadStream(path, {
      start: bodyStart,
      highWaterMark: SPOOL_READ,
    })) {
      splitter.push(value as Buffer);
      const ready = found;
      found = [];
      yield* ready;
    }
    rest = splitter.end();
  }
  return {
    content: Readable.from(firstPart()),
    rest() {
      if (!rest) throw new Error('signedParts: read the content first');
      return rest;
    },
    lastPart: () => fromLastDelimiter(path, bodyStart, open(boundary)),
  };
}

const open = (boundary: string) => Buffer.from(`--${boundary}\r\n`);

/// <reference types="node" />
/**
 * An incremental BER reader (X.690 §8.1) over a byte stream, for CMS of any size: it reads
 * one identifier and length at a time, hands out small elements whole and large primitive
 * contents in the pieces they arrive in, and never holds more than one small element plus
 * one source chunk (decision 0125). Indefinite lengths (§8.1.3.6) and the end-of-contents
 * octets are followed as `openssl cms -stream` writes them.
 */
import { concatBytes } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';

/** One identifier and length octets. `end` is the absolute offset after a definite content. */
export interface BerHeader {
  /** The first identifier octet (class, constructed bit, tag number below 31). */
  readonly tag: number;
  readonly constructed: boolean;
  /** Content length; undefined for the indefinite form. */
  readonly length: number | undefined;
  readonly end: number | undefined;
  /** The identifier and length octets as read. */
  readonly octets: Buffer;
}

/** Universal and context tags CMS uses, as first identifier octets. */
export const BER = {
  integer: 0x02,
  octetString: 0x04,
  octetStringConstructed: 0x24,
  oid: 0x06,
  sequence: 0x30,
  set: 0x31,
  context0: 0x80,
  context0Constructed: 0xa0,
  context1Constructed: 0xa1,
  context2Constructed: 0xa2,
} as const;

export function berFormatError(message: string): SealpostError {
  return new SealpostError('ESMIME_FORMAT', message);
}

/** Small elements (algorithms, recipient infos, certificates) above this are refused. */
export const MAX_ELEMENT = 16 * 1024 * 1024;

export class BerReader {
  private readonly source: AsyncIterator<Uint8Array>;
  private buffer: Buffer = Buffer.alloc(0);
  /** Source bytes after `buffer`, when a small read had to join two chunks. */
  private readonly queued: Buffer[] = [];
  private done = false;
  /** Absolute offset of the next unread byte. */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.source = source[Symbol.asyncIterator]();
  }

  /**
   * Makes the first `n` bytes contiguous in `buffer`; false when the stream ends first.
   * Only those `n` bytes are copied across a chunk border, never the rest of a chunk: a
   * large content passes through as the source's own chunks.
   */
  private async fill(n: number): Promise<boolean> {
    while (this.buffer.length < n) {
      let next = this.queued.shift();
      if (!next) {
        if (this.done) return false;
        const read = await this.source.next();
        if (read.done) {
          this.done = true;
          return false;
        }
        next = Buffer.from(read.value.buffer, read.value.byteOffset, read.value.byteLength);
      }
      if (this.buffer.length === 0) {
        this.buffer = next;
        continue;
      }
      // A fresh buffer, so pieces handed out earlier are never overwritten.
      const need = Math.min(n - this.buffer.length, next.length);
      this.buffer = Buffer.concat([this.buffer, next.subarray(0, need)]);
      if (need < next.length) this.queued.unshift(next.subarray(need));
    }
    return true;
  }

  private take(n: number): Buffer {
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    this.position += n;
    return out;
  }

  private async bytes(n: number): Promise<Buffer> {
    if (!(await this.fill(n))) throw berFormatError('The S/MIME content ends too early.');
    return this.take(n);
  }

  /** True when the source has no more bytes. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** Reads the next identifier and length octets. */
  async header(): Promise<BerHeader> {
    const start = await this.bytes(2);
    const tag = start[0]!;
    if ((tag & 0x1f) === 0x1f) throw berFormatError('CMS uses no high tag numbers here.');
    const first = start[1]!;
    let length: number | undefined;
    let octets = start;
    if (first < 0x80) length = first;
    else if (first === 0x80) {
      if ((tag & 0x20) === 0) throw berFormatError('A primitive BER value has no indefinite form.');
    } else {
      const count = first & 0x7f;
      if (count > 6) throw berFormatError('A BER length is too large.');
      const more = await this.bytes(count);
      length = 0;
      for (const byte of more) length = length * 256 + byte;
      octets = Buffer.concat([start, more]);
    }
    const end = length === undefined ? undefined : this.position + length;
    return { tag, constructed: (tag & 0x20) !== 0, length, end, octets };
  }

  /** Reads a header and checks its tag. */
  async expect(tag: number, what: string): Promise<BerHeader> {
    const h = await this.header();
    if (h.tag !== tag) throw berFormatError(`The CMS structure is malformed (${what}).`);
    return h;
  }

  /** The first identifier octet of the next element, without reading it; undefined at the end. */
  async peekTag(): Promise<number | undefined> {
    return (await this.fill(1)) ? this.buffer[0] : undefined;
  }

  /**
   * Whether `parent` has another element. For the indefinite form the end-of-contents octets
   * are read here when they come.
   */
  async more(parent: BerHeader): Promise<boolean> {
    if (parent.end !== undefined) {
      if (this.position > parent.end) throw berFormatError('A BER value overruns its parent.');
      return this.position < parent.end;
    }
    if (!(await this.fill(2))) throw berFormatError('The S/MIME content ends too early.');
    if (this.buffer[0] !== 0 || this.buffer[1] !== 0) return true;
    this.take(2);
    return false;
  }

  /** Reads to the end of `parent` (its remaining elements skipped, bounded in size). */
  async finish(parent: BerHeader): Promise<void> {
    while (await this.more(parent)) await this.element();
  }

  /**
   * The rest of an element whose header was read, as its complete encoding (BER as is), in
   * an ArrayBuffer of its own: asn1js reads whole ArrayBuffers, and Node's pooled small
   * Buffers share theirs.
   */
  async rest(h: BerHeader, max = MAX_ELEMENT): Promise<Uint8Array> {
    if (h.length !== undefined) {
      if (h.length > max) throw berFormatError('A CMS element is larger than sealpost reads.');
      return concatBytes([h.octets, await this.bytes(h.length)]);
    }
    const parts: Uint8Array[] = [h.octets];
    let size = h.octets.length;
    while (await this.more(h)) {
      const child = await this.element(max - size);
      parts.push(child);
      size += child.length;
    }
    parts.push(Uint8Array.of(0, 0));
    return concatBytes(parts);
  }

  /** The next element's complete encoding, at most `max` bytes. */
  async element(max = MAX_ELEMENT): Promise<Uint8Array> {
    return this.rest(await this.header(), max);
  }

  /** A primitive content of `length` bytes, in the pieces the source delivers. */
  async *content(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      if (!(await this.fill(1))) throw berFormatError('The S/MIME content ends too early.');
      const piece = this.take(Math.min(left, this.buffer.length));
      left -= piece.length;
      yield piece;
    }
  }

  /**
   * An OCTET STRING's content (the element's header already read), primitive or constructed
   * of primitive and constructed segments (X.690 §8.7.3), streamed.
   */
  async *octets(h: BerHeader): AsyncGenerator<Buffer> {
    if (!h.constructed) {
      yield* this.content(h.length!);
      return;
    }
    while (await this.more(h)) {
      const segment = await this.header();
      if (segment.tag !== BER.octetString && segment.tag !== BER.octetStringConstructed) {
        throw berFormatError('A constructed OCTET STRING holds something else.');
      }
      yield* this.octets(segment);
    }
  }
}

/** Byte helpers shared by the entity code (runtime-neutral: no `node:` imports). */

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export const CR = 0x0d;
export const LF = 0x0a;
export const CRLF: Uint8Array = Uint8Array.of(CR, LF);

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** A string from UTF-8 bytes; invalid sequences become U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** One char per byte (ISO-8859-1): lossless, for ASCII protocol text such as base64 or QP. */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** Bytes of a string whose chars are all below U+0100. */
export function fromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** The chunks one after the other in one new array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Index of `needle` in `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  if (first === undefined) return from;
  const last = haystack.length - needle.length;
  outer: for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; ) {
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        i = haystack.indexOf(first, i + 1);
        continue outer;
      }
    }
    return i;
  }
  return -1;
}

/** True when every byte is US-ASCII (RFC 2045 §2.7 "7bit" also forbids NUL). */
export function isSevenBit(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b === 0 || b > 0x7f) return false;
  return true;
}

/** Random hex of `size` bytes from Web Crypto (present in browsers and Node ≥ 19). */
export function randomHex(size: number): string {
  const bytes = new Uint8Array(size);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

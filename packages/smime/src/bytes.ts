/** Byte helpers shared by the CMS code (runtime-neutral: no Buffer, no node: imports). */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(256).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** A view as an ArrayBuffer of exactly these bytes (asn1js and Web Crypto want ArrayBuffer). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return bytes.buffer as ArrayBuffer;
  }
  // Uint8Array's own slice, a copy: a Node Buffer's slice is a view of its whole pool.
  return Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer;
}

/** Base64 (RFC 4648 §4); `lineLength` wraps with CRLF as MIME bodies need (RFC 2045 §6.8). */
export function encodeBase64(bytes: Uint8Array, lineLength = 0): string {
  let out = '';
  let line = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += b === undefined ? '=' : B64[(n >> 6) & 63]!;
    out += c === undefined ? '=' : B64[n & 63]!;
    line += 4;
    if (lineLength > 0 && line >= lineLength && i + 3 < bytes.length) {
      out += '\r\n';
      line = 0;
    }
  }
  return out;
}

const B64_CODES = new TextEncoder().encode(B64);

/**
 * Base64 as bytes with a CRLF after every 76 characters (RFC 2045 §6.8), written into one
 * preallocated buffer: for large bodies this is far cheaper than building a string.
 */
export function encodeBase64Lines(bytes: Uint8Array): Uint8Array {
  const chars = Math.ceil(bytes.length / 3) * 4;
  const out = new Uint8Array(chars + Math.ceil(chars / 76) * 2);
  let o = 0;
  let line = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const remaining = bytes.length - i;
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o++] = B64_CODES[(n >> 18) & 63]!;
    out[o++] = B64_CODES[(n >> 12) & 63]!;
    out[o++] = remaining > 1 ? B64_CODES[(n >> 6) & 63]! : 0x3d;
    out[o++] = remaining > 2 ? B64_CODES[n & 63]! : 0x3d;
    line += 4;
    if (line === 76 || i + 3 >= bytes.length) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      line = 0;
    }
  }
  return out.subarray(0, o);
}

/** Decodes base64, ignoring whitespace; returns undefined on any other character. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let length = 0;
  let acc = 0;
  let bits = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a) continue;
    if (code === 0x3d) {
      padding++;
      continue;
    }
    const value = code < 256 ? B64_INDEX[code]! : -1;
    if (value < 0 || padding > 0) return undefined;
    acc = (acc << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (acc >> bits) & 0xff;
    }
  }
  return out.slice(0, length);
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const latin1Decoder = new TextDecoder('latin1');
/** Bytes to a string one char per byte (for ASCII-only formats such as PEM and base64). */
export function bytesToLatin1(bytes: Uint8Array): string {
  return latin1Decoder.decode(bytes);
}

import { CR, LF } from './bytes.js';

/**
 * Turns bare LF and bare CR into CRLF (RFC 5322 §2.1, RFC 2045 §2.10: the canonical form that
 * signatures cover). Returns the input itself when it is already canonical.
 */
export function canonicalizeLineEnds(bytes: Uint8Array): Uint8Array {
  let extra = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === CR) {
      if (bytes[i + 1] === LF) i++;
      else extra++;
    } else if (b === LF) extra++;
  }
  if (extra === 0) return bytes;
  const out = new Uint8Array(bytes.length + extra);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === CR) {
      out[o++] = CR;
      out[o++] = LF;
      if (bytes[i + 1] === LF) i++;
    } else if (b === LF) {
      out[o++] = CR;
      out[o++] = LF;
    } else out[o++] = b;
  }
  return out;
}

/** True when every CR is followed by LF and every LF preceded by CR. */
export function hasOnlyCrlf(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === CR && bytes[i + 1] !== LF) return false;
    if (b === LF && bytes[i - 1] !== CR) return false;
  }
  return true;
}

/** Length in octets of the longest line, not counting its CRLF. */
export function longestLine(bytes: Uint8Array): number {
  let longest = 0;
  let start = 0;
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, start)) {
    const end = i > 0 && bytes[i - 1] === CR ? i - 1 : i;
    longest = Math.max(longest, end - start);
    start = i + 1;
  }
  return Math.max(longest, bytes.length - start);
}

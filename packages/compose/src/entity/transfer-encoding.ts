import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { CR, LF, latin1 } from './bytes.js';

/** The Content-Transfer-Encoding values we write (RFC 2045 §6.1). */
export type TransferEncoding = '7bit' | 'quoted-printable' | 'base64' | '8bit';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES = new Int16Array(256).fill(-1);
for (let i = 0; i < BASE64_ALPHABET.length; i++) BASE64_VALUES[BASE64_ALPHABET.charCodeAt(i)] = i;
const HEX = '0123456789ABCDEF';

/** RFC 2045 §6.8 base64, in lines of 76 characters, each ended by CRLF. */
export function encodeBase64(bytes: Uint8Array): string {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    line += BASE64_ALPHABET[b0 >> 2];
    line += BASE64_ALPHABET[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)];
    line += b1 === undefined ? '=' : BASE64_ALPHABET[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)];
    line += b2 === undefined ? '=' : BASE64_ALPHABET[b2 & 63];
    if (line.length === 76) {
      lines.push(line);
      line = '';
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => `${l}\r\n`).join('');
}

/** RFC 2045 §6.8: characters outside the alphabet (line breaks) are ignored; stops at "=". */
export function decodeBase64(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3d) break;
    const value = code < 256 ? BASE64_VALUES[code]! : -1;
    if (value < 0) continue;
    acc = (acc << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.slice(0, o);
}

function hexByte(b: number): string {
  return `=${HEX[b >> 4]}${HEX[b & 15]}`;
}

/**
 * RFC 2045 §6.7 quoted-printable for text whose line breaks are CRLF. Trailing white space
 * and a leading "From " are encoded too (RFC 3156 §3: both get altered in transit, which
 * would break a signature). Output lines are at most 76 characters.
 */
export function encodeQuotedPrintable(bytes: Uint8Array): string {
  const out: string[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = start;
    while (end < bytes.length && !(bytes[end] === CR && bytes[end + 1] === LF)) end++;
    out.push(encodeQpLine(bytes.subarray(start, end)));
    if (end >= bytes.length) break;
    start = end + 2;
  }
  return out.join('\r\n');
}

function encodeQpLine(line: Uint8Array): string {
  const tokens: string[] = [];
  for (let i = 0; i < line.length; i++) {
    const b = line[i]!;
    const last = i === line.length - 1;
    const literal = (b >= 33 && b <= 126 && b !== 0x3d) || ((b === 0x20 || b === 0x09) && !last);
    tokens.push(literal ? String.fromCharCode(b) : hexByte(b));
  }
  if (line.length >= 5 && latin1(line.subarray(0, 5)) === 'From ') tokens[0] = hexByte(0x46);
  if (line.length === 1 && line[0] === 0x2e) tokens[0] = hexByte(0x2e);
  const lines: string[] = [];
  let current = '';
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    const isLast = t === tokens.length - 1;
    // Keep room for the "=" of a soft line break unless this token ends the line.
    const limit = isLast ? 76 : 75;
    if (current.length + token.length > limit) {
      lines.push(`${current}=`);
      current = '';
    }
    current += token;
  }
  lines.push(current);
  return lines.join('\r\n');
}

/** RFC 2045 §6.7 decoding: soft line breaks removed, "=XX" decoded, bad escapes kept as is. */
export function decodeQuotedPrintable(text: string): Uint8Array {
  const lines = text.split(/\r?\n/);
  const out: number[] = [];
  lines.forEach((rawLine, index) => {
    // Rule 3: white space at the end of an encoded line was added in transit.
    let line = rawLine.replace(/[ \t]+$/, '');
    let soft = false;
    if (line.endsWith('=')) {
      soft = true;
      line = line.slice(0, -1);
    }
    for (let i = 0; i < line.length; i++) {
      const ch = line.charCodeAt(i);
      if (ch === 0x3d && /^[0-9A-Fa-f]{2}$/.test(line.slice(i + 1, i + 3))) {
        out.push(Number.parseInt(line.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(ch & 0xff);
    }
    if (!soft && index < lines.length - 1) out.push(CR, LF);
  });
  return Uint8Array.from(out);
}

/** Normalises a Content-Transfer-Encoding value; EMIME for one we cannot decode. */
export function parseTransferEncoding(value: string | undefined): string {
  const encoding = (value ?? '7bit').trim().toLowerCase();
  if (!['7bit', '8bit', 'binary', 'quoted-printable', 'base64'].includes(encoding)) {
    throw new SealpostError(
      'EMIME',
      `Unknown Content-Transfer-Encoding ${quoteUntrusted(encoding)}.`,
    );
  }
  return encoding;
}

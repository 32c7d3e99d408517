/** PEM ("textual encoding", RFC 7468 §2) reading and writing. */
import { decodeBase64, encodeBase64 } from './bytes.js';

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** All PEM blocks of a text, in order; blocks whose body is not base64 are skipped. */
export function readPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    // RFC 7468 §5.2 allows explanatory header lines only in legacy encrypted keys; drop them.
    const body = match[2]!
      .split(/\r?\n/)
      .filter((line) => !line.includes(':'))
      .join('');
    const der = decodeBase64(body);
    if (der && der.length > 0) blocks.push({ label: match[1]!, der });
  }
  return blocks;
}

/** One PEM block with 64-character lines (RFC 7468 §2) and LF line ends, as openssl writes. */
export function writePem(label: string, der: Uint8Array): string {
  const body = encodeBase64(der).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

export function looksLikePem(bytes: Uint8Array): boolean {
  // "-----" at the start or after some text; DER never starts with '-' (0x2d is not a tag we read).
  for (let i = 0; i < Math.min(bytes.length, 4096); i++) {
    if (bytes[i] === 0x2d && bytes[i + 1] === 0x2d && bytes[i + 2] === 0x2d) return true;
  }
  return false;
}

import { utf8 } from './bytes.js';
import { decodeCharset } from './content-type.js';
import { decodeBase64, decodeQuotedPrintable, encodeBase64 } from './transfer-encoding.js';

/** RFC 2047 §2: an encoded-word is at most 75 characters. */
const MAX_WORD = 75;
const PREFIX = '=?UTF-8?B?';

/**
 * Encodes unstructured header text (RFC 2047 §5(1)) as UTF-8 "B" encoded-words separated by
 * spaces, so the header folds between them. Printable ASCII text is returned unchanged.
 */
export function encodeHeaderText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text) && !/=\?/.test(text)) return text;
  // 75 − "=?UTF-8?B?" − "?=" leaves 63 base64 characters: 45 bytes; never split a code point.
  const maxBytes = Math.floor((MAX_WORD - PREFIX.length - 2) / 4) * 3;
  const words: string[] = [];
  let chunk: number[] = [];
  for (const ch of text) {
    const bytes = utf8(ch);
    if (chunk.length + bytes.length > maxBytes) {
      words.push(word(chunk));
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length) words.push(word(chunk));
  return words.join(' ');
}

function word(bytes: number[]): string {
  return `${PREFIX}${encodeBase64(Uint8Array.from(bytes)).replace(/\r\n/g, '')}?=`;
}

/** Decodes RFC 2047 encoded-words; white space between adjacent words is dropped (§6.2). */
export function decodeHeaderText(text: string): string {
  return text
    .replace(/(\?=)[ \t]+(?==\?)/g, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_all, charset, kind, data) => {
      const bytes =
        kind.toUpperCase() === 'B'
          ? decodeBase64(data)
          : decodeQuotedPrintable(data.replace(/_/g, ' ').replace(/=(?![0-9A-Fa-f]{2})/g, '=3D'));
      return decodeCharset(bytes, charset);
    });
}

import { SealpostError } from '@sealpost/errors';
import { CR, CRLF, concatBytes, fromLatin1, fromUtf8, indexOfBytes, LF, utf8 } from './bytes.js';
import {
  type ContentType,
  formatContentType,
  formatParameter,
  parseContentType,
} from './content-type.js';
import { encodeHeaderText } from './encoded-word.js';
import {
  findHeader,
  findHeaders,
  type HeaderField,
  MAX_LINE,
  parseHeaderSection,
  serializeHeaderField,
} from './header-field.js';
import { canonicalizeLineEnds, hasOnlyCrlf, longestLine } from './line-ends.js';
import {
  decodeBase64,
  decodeQuotedPrintable,
  encodeBase64,
  encodeQuotedPrintable,
  parseTransferEncoding,
  type TransferEncoding,
} from './transfer-encoding.js';

/** A MIME entity (RFC 2045 §2.4): its header fields and the body after the empty line. */
export interface MimeEntity {
  /** In order: Content-* fields and any others. */
  readonly headers: readonly HeaderField[];
  /** The bytes after the empty line, with CRLF line ends. */
  readonly body: Uint8Array;
}

const HEADER_END = fromLatin1('\r\n\r\n');

/** Parses an entity (RFC 2045 §2.4); LF or CRLF line ends; EMIME when the header is malformed. */
export function parseEntity(bytes: Uint8Array): MimeEntity {
  const canonical = canonicalizeLineEnds(bytes);
  // RFC 2046 §5.1.1: a body part may begin with the empty line (no header fields at all).
  if (canonical[0] === CR && canonical[1] === LF) {
    return { headers: [], body: canonical.subarray(2) };
  }
  const end = indexOfBytes(canonical, HEADER_END);
  const headerBytes = end === -1 ? canonical : canonical.subarray(0, end);
  const body = end === -1 ? new Uint8Array(0) : canonical.subarray(end + 4);
  return { headers: parseHeaderSection(fromUtf8(headerBytes)), body };
}

/** Writes an entity with CRLF line ends and folded header fields; no line exceeds 998 octets. */
export function serializeEntity(entity: MimeEntity): Uint8Array {
  const head = entity.headers.map((h) => `${serializeHeaderField(h)}\r\n`).join('');
  const body = canonicalizeLineEnds(entity.body);
  if (longestLine(body) > MAX_LINE) {
    throw new SealpostError(
      'EMIME',
      `A MIME body has a line over ${MAX_LINE} octets: use quoted-printable or base64.`,
    );
  }
  return concatBytes([utf8(head), CRLF, body]);
}

/** The first header field called `name`, case-insensitive. */
export function getHeader(entity: MimeEntity, name: string): string | undefined {
  return findHeader(entity.headers, name);
}

/** Every header field called `name`, case-insensitive, in order. */
export function getHeaders(entity: MimeEntity, name: string): string[] {
  return findHeaders(entity.headers, name);
}

/** The entity's Content-Type, or RFC 2045 §5.2's default text/plain; charset=us-ascii. */
export function entityContentType(entity: MimeEntity): ContentType {
  const value = getHeader(entity, 'Content-Type');
  if (value === undefined) {
    return {
      type: 'text',
      subtype: 'plain',
      mediaType: 'text/plain',
      params: { charset: 'us-ascii' },
    };
  }
  return parseContentType(value);
}

/** Undoes the Content-Transfer-Encoding (RFC 2045 §6). */
export function decodeBody(entity: MimeEntity): Uint8Array {
  const encoding = parseTransferEncoding(getHeader(entity, 'Content-Transfer-Encoding'));
  if (encoding === 'base64') return decodeBase64(fromUtf8(entity.body));
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(fromUtf8(entity.body));
  return entity.body;
}

export interface CreateEntityInput {
  readonly contentType: string;
  readonly params?: Record<string, string>;
  readonly body: Uint8Array | string;
  /** Default: 7bit when the body is clean, else quoted-printable (text) or base64. */
  readonly transferEncoding?: TransferEncoding;
  readonly filename?: string;
  readonly disposition?: 'inline' | 'attachment';
  readonly description?: string;
  readonly headers?: readonly HeaderField[];
}

/** RFC 2045 §2.7: 7bit data is US-ASCII without NUL, CRLF only, lines ≤ 998 octets. */
function isSevenBitData(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b === 0 || b > 0x7f) return false;
  return hasOnlyCrlf(bytes) && longestLine(bytes) <= MAX_LINE;
}

/** RFC 2045 §2.8 8bit data: like 7bit, but octets above 127 are allowed. */
function isEightBitData(bytes: Uint8Array): boolean {
  return !bytes.includes(0) && hasOnlyCrlf(bytes) && longestLine(bytes) <= MAX_LINE;
}

/** Trailing white space or a leading "From " would be changed in transit (RFC 3156 §3). */
function isFragileText(bytes: Uint8Array): boolean {
  const text = fromUtf8(bytes);
  return /[ \t]\r\n|[ \t]$|(^|\n)From /.test(text);
}

function chooseEncoding(body: Uint8Array, isText: boolean): TransferEncoding {
  if (isSevenBitData(body) && !isFragileText(body)) return '7bit';
  return isText ? 'quoted-printable' : 'base64';
}

function encodeBody(body: Uint8Array, encoding: TransferEncoding): Uint8Array {
  if (encoding === 'base64') return fromLatin1(encodeBase64(body));
  if (encoding === 'quoted-printable') return fromLatin1(encodeQuotedPrintable(body));
  const ok = encoding === '7bit' ? isSevenBitData(body) : isEightBitData(body);
  if (!ok) {
    throw new SealpostError(
      'EMIME',
      `The body is not valid ${encoding} data (RFC 2045 §2.7–2.8): use quoted-printable or base64.`,
    );
  }
  return body;
}

/**
 * Builds a body part (RFC 2045 §5–6, RFC 2183 for the disposition) from content; a string
 * body becomes UTF-8 with CRLF line ends. Non-ASCII file names use RFC 2231.
 */
export function createEntity(input: CreateEntityInput): MimeEntity {
  const [type] = input.contentType.toLowerCase().split('/');
  const isText = type === 'text';
  let body = typeof input.body === 'string' ? utf8(input.body) : input.body;
  // RFC 2046 §4.1.1: text line breaks are CRLF in canonical form. A string is text whatever
  // its type (an ASCII-armored signature, "Version: 1"); other bytes are left exactly as given.
  if (isText || typeof input.body === 'string') body = canonicalizeLineEnds(body);
  const params: Record<string, string> = { ...input.params };
  if (isText && typeof input.body === 'string' && params.charset === undefined) {
    params.charset = 'utf-8';
  }
  if (input.filename !== undefined && params.name === undefined) params.name = input.filename;
  const encoding = input.transferEncoding ?? chooseEncoding(body, isText);
  const headers: HeaderField[] = [
    { name: 'Content-Type', value: formatContentType(input.contentType.toLowerCase(), params) },
    { name: 'Content-Transfer-Encoding', value: encoding },
  ];
  if (input.disposition !== undefined || input.filename !== undefined) {
    const disposition = input.disposition ?? 'attachment';
    const value =
      input.filename === undefined
        ? disposition
        : `${disposition}; ${formatParameter('filename', input.filename)}`;
    headers.push({ name: 'Content-Disposition', value });
  }
  if (input.description !== undefined) {
    headers.push({ name: 'Content-Description', value: encodeHeaderText(input.description) });
  }
  for (const field of input.headers ?? []) headers.push(field);
  for (const field of headers) serializeHeaderField(field); // validates names and values
  return { headers, body: encodeBody(body, encoding) };
}

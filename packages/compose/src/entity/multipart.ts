import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { CR, concatBytes, fromLatin1, indexOfBytes, LF, randomHex, utf8 } from './bytes.js';
import { formatContentType } from './content-type.js';
import type { HeaderField } from './header-field.js';
import { entityContentType, type MimeEntity, parseEntity, serializeEntity } from './mime-entity.js';

/** RFC 2046 §5.1.1: 1–70 characters from bchars, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

export interface MultipartPart {
  readonly entity: MimeEntity;
  /** The exact bytes of the part: what a multipart/signed signature covers (RFC 1847 §2.1). */
  readonly raw: Uint8Array;
}

export interface CreateMultipartOptions {
  readonly boundary?: string;
  readonly params?: Record<string, string>;
  readonly headers?: readonly HeaderField[];
}

/** Builds a multipart entity (RFC 2046 §5.1) from its parts, each serialized canonically. */
export function createMultipart(
  subtype: string,
  parts: readonly MimeEntity[],
  options: CreateMultipartOptions = {},
): MimeEntity {
  const serialized = parts.map(serializeEntity);
  const boundary = options.boundary ?? `=_sealpost_${randomHex(16)}`;
  if (!BOUNDARY.test(boundary)) {
    throw new SealpostError('EMIME', `Invalid multipart boundary ${quoteUntrusted(boundary)}.`);
  }
  const delimiter = utf8(`--${boundary}`);
  // RFC 2046 §5.1.1: the boundary must not occur in any part, or the parts would be cut.
  if (serialized.some((part) => indexOfBytes(part, delimiter) !== -1)) {
    throw new SealpostError('EMIME', `The boundary ${quoteUntrusted(boundary)} occurs in a part.`);
  }
  const chunks: Uint8Array[] = [];
  for (const part of serialized) {
    chunks.push(delimiter, fromLatin1('\r\n'), part, fromLatin1('\r\n'));
  }
  chunks.push(utf8(`--${boundary}--\r\n`));
  const contentType = formatContentType(`multipart/${subtype.toLowerCase()}`, {
    ...options.params,
    boundary,
  });
  return {
    headers: [{ name: 'Content-Type', value: contentType }, ...(options.headers ?? [])],
    body: concatBytes(chunks),
  };
}

/** Where a delimiter line starts and where the next part begins, or undefined. */
interface Delimiter {
  /** Index of the CRLF before "--boundary" (or of "--" at the very start of the body). */
  readonly start: number;
  /** Index just after the delimiter line's CRLF. */
  readonly next: number;
  readonly close: boolean;
}

function findDelimiter(body: Uint8Array, dash: Uint8Array, from: number): Delimiter | undefined {
  for (let i = indexOfBytes(body, dash, from); i !== -1; i = indexOfBytes(body, dash, i + 1)) {
    const atLineStart = i === 0 || (body[i - 1] === LF && body[i - 2] === CR);
    if (!atLineStart) continue;
    let j = i + dash.length;
    const close = body[j] === 0x2d && body[j + 1] === 0x2d;
    if (close) j += 2;
    // RFC 2046 §5.1.1: transport padding (LWSP) may follow the boundary on its line.
    while (body[j] === 0x20 || body[j] === 0x09) j++;
    if (j === body.length) return { start: Math.max(0, i - 2), next: j, close };
    if (body[j] !== CR || body[j + 1] !== LF) continue;
    return { start: i === 0 ? 0 : i - 2, next: j + 2, close };
  }
  return undefined;
}

/**
 * Splits a multipart entity (RFC 2046 §5.1.1). The CRLF before each delimiter belongs to the
 * delimiter, so `raw` is exactly the part's bytes. EMIME without boundary or close delimiter.
 */
export function parseMultipart(entity: MimeEntity): { boundary: string; parts: MultipartPart[] } {
  const contentType = entityContentType(entity);
  const boundary = contentType.params.boundary;
  if (contentType.type !== 'multipart' || !boundary) {
    throw new SealpostError('EMIME', 'The entity is not multipart or has no boundary.');
  }
  const dash = utf8(`--${boundary}`);
  const body = entity.body;
  const parts: MultipartPart[] = [];
  let delimiter = findDelimiter(body, dash, 0);
  if (!delimiter || delimiter.close) {
    throw new SealpostError(
      'EMIME',
      `Multipart body has no part for boundary ${quoteUntrusted(boundary)}.`,
    );
  }
  while (!delimiter.close) {
    const next = findDelimiter(body, dash, delimiter.next);
    if (!next) {
      throw new SealpostError('EMIME', 'Multipart body ends without its close delimiter.');
    }
    const raw = body.subarray(delimiter.next, Math.max(delimiter.next, next.start));
    parts.push({ entity: parseEntity(raw), raw });
    delimiter = next;
  }
  return { boundary, parts };
}

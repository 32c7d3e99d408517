/**
 * Making a MIME entity safe to sign: RFC 8551 §3.1.2 (and RFC 1847 §2.1) — the signed part
 * must survive transport unchanged, so every leaf body becomes 7-bit (quoted-printable or
 * base64 where needed) and text that relays like to alter (trailing white space, "From ")
 * is quoted-printable encoded.
 */
import {
  createEntity,
  createMultipart,
  decodeBody,
  entityContentType,
  type HeaderField,
  type MimeEntity,
  parseMultipart,
} from '@sealpost/compose';

const MAX_LINE = 998;

function isSafeSevenBit(body: Uint8Array, isText: boolean): boolean {
  let line = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b === 0 || b > 0x7f) return false;
    if (b === 0x0a) {
      if (body[i - 1] !== 0x0d) return false;
      // Trailing white space before CRLF is stripped by some relays.
      if (isText && (body[i - 2] === 0x20 || body[i - 2] === 0x09)) return false;
      line = 0;
      continue;
    }
    if (b === 0x0d && body[i + 1] !== 0x0a) return false;
    if (++line > MAX_LINE) return false;
    // "From " at a line start gets ">"-quoted by mbox-style relays.
    if (isText && line === 1 && b === 0x46 && body[i + 4] === 0x20) {
      const word = String.fromCharCode(...body.subarray(i, i + 5));
      if (word === 'From ') return false;
    }
  }
  return true;
}

function withoutContentHeaders(headers: readonly HeaderField[]): HeaderField[] {
  return headers.filter((h) => {
    const name = h.name.toLowerCase();
    return name !== 'content-type' && name !== 'content-transfer-encoding';
  });
}

/** The entity with every part 7-bit and transport-robust; unchanged parts keep their bytes. */
export function toSevenBit(entity: MimeEntity): MimeEntity {
  const contentType = entityContentType(entity);
  if (contentType.type === 'multipart') {
    const { boundary, parts } = parseMultipart(entity);
    const converted = parts.map((p) => toSevenBit(p.entity));
    if (converted.every((c, i) => c === parts[i]!.entity) && isSafeSevenBit(entity.body, false)) {
      return entity;
    }
    const { boundary: _b, ...params } = contentType.params;
    return createMultipart(contentType.subtype, converted, {
      boundary,
      params,
      headers: withoutContentHeaders(entity.headers),
    });
  }
  const isText = contentType.type === 'text';
  if (isSafeSevenBit(entity.body, isText)) return entity;
  const decoded = decodeBody(entity);
  const rebuilt = createEntity({
    contentType: contentType.mediaType,
    params: contentType.params,
    body: decoded,
    transferEncoding: isText ? 'quoted-printable' : 'base64',
  });
  // Keep the entity's other header fields (Content-Disposition, protected headers, …).
  return {
    headers: [...rebuilt.headers, ...withoutContentHeaders(entity.headers)],
    body: rebuilt.body,
  };
}

/**
 * RFC 3156 §3 / §5: a part that is signed must survive transport unchanged, so it is made
 * 7-bit (RFC 2045 §2.7) before signing, and text with trailing white space or lines starting
 * with "From " is quoted-printable encoded. Parts that are already safe are left as they are.
 */
import {
  createEntity,
  createMultipart,
  decodeBody,
  entityContentType,
  getHeader,
  type MimeEntity,
  parseEntity,
  parseMultipart,
  serializeEntity,
} from '@sealpost/compose';

const SAFE_ENCODINGS = new Set(['7bit', 'quoted-printable', 'base64']);

function isTransportSafe(body: Uint8Array): boolean {
  let lineStart = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b === 0 || b > 0x7f) return false;
    if (b === 0x0a) {
      // Trailing white space before CRLF may be stripped by a relay (RFC 3156 §5).
      const before = body[i - 2];
      if (before === 0x20 || before === 0x09) return false;
      lineStart = i + 1;
    }
    // "From " at a line start is changed to ">From " by some mbox-based relays.
    if (
      i === lineStart &&
      b === 0x46 &&
      body[i + 1] === 0x72 &&
      body[i + 2] === 0x6f &&
      body[i + 3] === 0x6d &&
      body[i + 4] === 0x20
    ) {
      return false;
    }
  }
  const last = body[body.length - 1];
  return last !== 0x20 && last !== 0x09;
}

function withoutFields(entity: MimeEntity, names: readonly string[]) {
  return entity.headers.filter((h) => !names.includes(h.name.toLowerCase()));
}

/** Returns the entity unchanged when it is already 7-bit safe, else a re-encoded copy. */
export function toSevenBit(entity: MimeEntity): MimeEntity {
  const contentType = entityContentType(entity);
  if (contentType.type === 'multipart') {
    const { boundary, parts } = parseMultipart(entity);
    const converted = parts.map((p) => toSevenBit(p.entity));
    if (converted.every((c, i) => c === parts[i]!.entity)) return entity;
    const { boundary: _drop, ...params } = contentType.params;
    const rebuilt = createMultipart(contentType.subtype, converted, { boundary, params });
    return {
      headers: [...rebuilt.headers, ...withoutFields(entity, ['content-type'])],
      body: rebuilt.body,
    };
  }
  if (contentType.mediaType === 'message/rfc822') {
    // RFC 2046 §5.2.1: message/rfc822 may only be 7bit, 8bit or binary: convert inside it.
    const inner = parseEntity(entity.body);
    const convertedInner = toSevenBit(inner);
    if (convertedInner === inner && isTransportSafe(entity.body)) return entity;
    return {
      headers: [
        ...withoutFields(entity, ['content-transfer-encoding']),
        { name: 'Content-Transfer-Encoding', value: '7bit' },
      ],
      body: serializeEntity(convertedInner),
    };
  }
  const encoding = (getHeader(entity, 'Content-Transfer-Encoding') ?? '7bit').trim().toLowerCase();
  if (SAFE_ENCODINGS.has(encoding) && isTransportSafe(entity.body)) return entity;
  return createEntity({
    contentType: contentType.mediaType,
    params: contentType.params,
    body: decodeBody(entity),
    transferEncoding: contentType.type === 'text' ? 'quoted-printable' : 'base64',
    headers: withoutFields(entity, ['content-type', 'content-transfer-encoding']),
  });
}

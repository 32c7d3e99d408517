/**
 * The body of a submitted single-part text message, made safe to send as is and inside
 * encryption: a line over 998 octets (RFC 5322 §2.1.1) or 8-bit text is re-encoded as
 * quoted-printable (RFC 2045 §6.7), and 8-bit text is labelled with the charset it declares
 * or, when it declares none (RFC 2045 §5.2 would then mean US-ASCII), UTF-8 if it is valid
 * UTF-8, else RFC 1428's unknown-8bit. Multipart and already-encoded bodies are left as they are.
 */
import { SealpostError } from '@sealpost/errors';
import { CR, isSevenBit, LF, utf8 } from '../entity/bytes.js';
import { formatContentType, parseContentType } from '../entity/content-type.js';
import type { HeaderField } from '../entity/header-field.js';
import type { MimeEntity } from '../entity/mime-entity.js';
import { encodeQuotedPrintable } from '../entity/transfer-encoding.js';

/** RFC 5322 §2.1.1: at most 998 octets per line, excluding CRLF. */
const MAX_LINE = 998;

export interface SubmittedBody {
  readonly entity: MimeEntity;
  /** What was changed, for the report: e.g. "encoded quoted-printable", "labelled charset=utf-8". */
  readonly changes: readonly string[];
}

function hasLongLine(body: Uint8Array): boolean {
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || (body[i] === CR && body[i + 1] === LF)) {
      if (i - start > MAX_LINE) return true;
      start = i + 2;
      i++;
    }
  }
  return false;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const field = (headers: readonly HeaderField[], name: string) =>
  headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

/** Re-encodes and labels the body when it needs it; EMIME for a Content-Type that does not parse. */
export function encodeSubmittedBody(entity: MimeEntity): SubmittedBody {
  const typeValue = field(entity.headers, 'Content-Type');
  const type = typeValue === undefined ? undefined : parseContentType(typeValue);
  const encoding = (field(entity.headers, 'Content-Transfer-Encoding') ?? '7bit')
    .trim()
    .toLowerCase();
  if ((type && type.type !== 'text') || !['7bit', '8bit'].includes(encoding)) {
    return { entity, changes: [] };
  }
  const long = hasLongLine(entity.body);
  const eightBit = !isSevenBit(entity.body);
  if (!long && !eightBit) return { entity, changes: [] };
  const changes: string[] = [];
  const params = { ...(type?.params ?? {}) };
  const declared = params.charset?.toLowerCase();
  if (eightBit && (declared === undefined || declared === 'us-ascii')) {
    // Undeclared (or declared US-ASCII, which 8-bit text cannot be): only valid UTF-8 is guessed.
    params.charset = isUtf8(entity.body) ? 'utf-8' : 'unknown-8bit';
    changes.push(`labelled charset=${params.charset}`);
  }
  changes.push(
    long
      ? 'encoded quoted-printable (a line over 998 octets)'
      : 'encoded quoted-printable (8-bit text)',
  );
  let contentType: string;
  try {
    contentType = formatContentType(type?.mediaType ?? 'text/plain', params);
  } catch (cause) {
    throw new SealpostError('EMIME', 'The message Content-Type cannot be rewritten.', { cause });
  }
  const others = entity.headers.filter(
    (h) => !['content-type', 'content-transfer-encoding'].includes(h.name.toLowerCase()),
  );
  return {
    entity: {
      headers: [
        ...others,
        { name: 'Content-Type', value: contentType },
        { name: 'Content-Transfer-Encoding', value: 'quoted-printable' },
      ],
      body: utf8(encodeQuotedPrintable(entity.body)),
    },
    changes,
  };
}

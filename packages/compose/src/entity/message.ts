import { concatBytes, utf8 } from './bytes.js';
import { type HeaderField, isMimeField, serializeHeaderField } from './header-field.js';
import { type MimeEntity, parseEntity, serializeEntity } from './mime-entity.js';

/**
 * Splits a message (RFC 5322 §2.1) into its message header fields and its MIME entity
 * (RFC 2045 §9: the Content-* fields and the body). MIME-Version is dropped.
 */
export function splitMessage(bytes: Uint8Array): {
  messageHeaders: HeaderField[];
  entity: MimeEntity;
} {
  const parsed = parseEntity(bytes);
  const messageHeaders = parsed.headers.filter((h) => !isMimeField(h.name));
  const headers = parsed.headers.filter(
    (h) => isMimeField(h.name) && h.name.toLowerCase() !== 'mime-version',
  );
  return { messageHeaders, entity: { headers, body: parsed.body } };
}

/** Puts message header fields on top of an entity, with "MIME-Version: 1.0" (RFC 2045 §4). */
export function joinMessage(
  messageHeaders: readonly HeaderField[],
  entity: MimeEntity,
): Uint8Array {
  const outer = messageHeaders.filter((h) => h.name.toLowerCase() !== 'mime-version');
  const head = [...outer, { name: 'MIME-Version', value: '1.0' }]
    .map((h) => `${serializeHeaderField(h)}\r\n`)
    .join('');
  return concatBytes([utf8(head), serializeEntity(entity)]);
}

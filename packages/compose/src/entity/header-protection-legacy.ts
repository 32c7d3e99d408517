/**
 * The older header-protection scheme (draft-autocrypt-lamps-protected-headers, used by
 * Enigmail, Thunderbird and Delta Chat): protected-headers="v1" on the payload's Content-Type,
 * the header fields copied onto it, the outer Subject often "..." and sometimes a
 * text/rfc822-headers "legacy display" part. It is not RFC 9788 (no hp=, no HP-Outer), so it
 * is reported apart and never as RFC 9788 protection.
 */
import type { HeaderField } from './header-field.js';
import { entityContentType, type MimeEntity } from './mime-entity.js';

// unprotectHeaders strips the payload's own header fields from the entity it returns; what a
// legacy payload carried is kept here, keyed by that entity, for the recipient side to show.
const legacyFields = new WeakMap<MimeEntity, readonly HeaderField[]>();

/** True when the payload's Content-Type carries protected-headers="v1" (and no hp=). */
export function isLegacyProtectedPayload(payload: MimeEntity): boolean {
  const params = entityContentType(payload).params;
  return params.hp === undefined && params['protected-headers']?.toLowerCase() === 'v1';
}

/** Records the legacy payload's header fields for the entity `unprotectHeaders` returned. */
export function rememberLegacyHeaders(entity: MimeEntity, fields: readonly HeaderField[]): void {
  legacyFields.set(entity, fields);
}

/**
 * The header fields a protected-headers="v1" payload carried, for an entity returned by
 * `unprotectHeaders` (directly, or inside a scheme's opened message); undefined otherwise.
 */
export function legacyProtectedHeaders(entity: MimeEntity): readonly HeaderField[] | undefined {
  return legacyFields.get(entity);
}

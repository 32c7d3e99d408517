import { SealpostError } from '@sealpost/errors';
import { formatContentType } from './content-type.js';
import { type HeaderField, isMimeField } from './header-field.js';
import { isLegacyProtectedPayload, rememberLegacyHeaders } from './header-protection-legacy.js';
import { splitMessage } from './message.js';
import { entityContentType, type MimeEntity } from './mime-entity.js';

/** RFC 9788 §2.1.1: the "hp" parameter on the Cryptographic Payload's root Content-Type. */
export type HeaderProtectionMode = 'cipher' | 'clear';
/** RFC 9788 §3.2: the Header Confidentiality Policies we implement. */
export type HeaderConfidentialityPolicy = 'baseline' | 'no_confidentiality';

export interface ProtectHeadersOptions {
  /** "cipher" when the payload will be encrypted, "clear" when only signed. */
  readonly mode: HeaderProtectionMode;
  /** Default "baseline" (RFC 9788 §3.2.2); used only with mode "cipher". */
  readonly hcp?: HeaderConfidentialityPolicy;
}

/** RFC 9788 §3.2.2 hcp_baseline: Subject becomes "[...]", Comments and Keywords are removed. */
function applyPolicy(field: HeaderField, hcp: HeaderConfidentialityPolicy): HeaderField | null {
  if (hcp === 'no_confidentiality') return field;
  const lower = field.name.toLowerCase();
  if (lower === 'subject') return { name: field.name, value: '[...]' };
  if (lower === 'comments' || lower === 'keywords') return null;
  return field;
}

function withHp(entity: MimeEntity, hp: HeaderProtectionMode | undefined): HeaderField[] {
  const contentType = entityContentType(entity);
  const params = { ...contentType.params };
  delete params.hp;
  if (hp) params.hp = hp;
  const value = formatContentType(contentType.mediaType, params);
  const hasType = entity.headers.some((h) => h.name.toLowerCase() === 'content-type');
  const rest = entity.headers.filter((h) => h.name.toLowerCase() !== 'content-type');
  return hasType || hp ? [{ name: 'Content-Type', value }, ...rest] : rest;
}

/**
 * RFC 9788 §4 (composing): copies the message's header fields onto its entity, the root of
 * the Cryptographic Payload, marks it with hp="cipher" or hp="clear", and computes the outer
 * header section; for "cipher" the payload also gets one HP-Outer field per outer field
 * (RFC 9788 §2.2) so the recipient can see what the outside showed.
 */
export function protectHeaders(
  message: Uint8Array,
  options: ProtectHeadersOptions,
): { payload: MimeEntity; outerHeaders: HeaderField[] } {
  const { messageHeaders, entity } = splitMessage(message);
  const hcp = options.hcp ?? 'baseline';
  const outerHeaders =
    options.mode === 'cipher'
      ? messageHeaders.flatMap((h) => applyPolicy(h, hcp) ?? [])
      : messageHeaders.map((h) => ({ ...h }));
  const hpOuter =
    options.mode === 'cipher'
      ? outerHeaders.map((h) => ({ name: 'HP-Outer', value: `${h.name}: ${h.value}` }))
      : [];
  const payload: MimeEntity = {
    headers: [...messageHeaders, ...hpOuter, ...withHp(entity, options.mode)],
    body: entity.body,
  };
  return { payload, outerHeaders };
}

/**
 * RFC 9788 §4.3 (receiving): reads hp from the payload's Content-Type and separates the
 * protected header fields and HP-Outer fields from the entity. HP-Outer is honoured only
 * with hp="cipher" (§2.2); without hp the fields are returned but are not protected ones.
 */
export function unprotectHeaders(payload: MimeEntity): {
  hp: HeaderProtectionMode | undefined;
  headers: HeaderField[];
  hpOuter: HeaderField[];
  entity: MimeEntity;
} {
  const rawHp = entityContentType(payload).params.hp?.toLowerCase();
  const hp = rawHp === 'cipher' || rawHp === 'clear' ? rawHp : undefined;
  const headers: HeaderField[] = [];
  const hpOuter: HeaderField[] = [];
  for (const field of payload.headers) {
    if (isMimeField(field.name)) continue;
    if (field.name.toLowerCase() !== 'hp-outer') {
      headers.push(field);
      continue;
    }
    if (hp !== 'cipher') continue;
    const colon = field.value.indexOf(':');
    if (colon <= 0) {
      throw new SealpostError('EMIME', 'An HP-Outer field has no header name (RFC 9788 §2.2).');
    }
    hpOuter.push({
      name: field.value.slice(0, colon).trim(),
      value: field.value.slice(colon + 1).trim(),
    });
  }
  const mimeFields = payload.headers.filter(
    (h) => isMimeField(h.name) && h.name.toLowerCase() !== 'mime-version',
  );
  const entity = {
    headers: withHp({ headers: mimeFields, body: payload.body }, undefined),
    body: payload.body,
  };
  if (isLegacyProtectedPayload(payload)) rememberLegacyHeaders(entity, headers);
  return { hp, headers, hpOuter, entity };
}

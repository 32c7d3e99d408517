import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { type HeaderField, isFieldName } from '../entity/header-field.js';

/** Controls that must never reach a header value: C0 (but TAB), DEL, C1, U+2028/2029. */
const HEADER_CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/u;
/** Longest unbroken word we accept; folding needs white space (RFC 5322 §2.1.1: 998). */
const MAX_WORD = 900;

/** Fields createMessage sets itself, and MIME fields MailComposer owns (RFC 5322 §3.6). */
const RESERVED = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'mime-version',
]);

/** EHEADER unless `value` is safe unstructured header text (RFC 5322 §3.2.5, §2.2). */
export function assertHeaderText(field: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new SealpostError('EHEADER', `Header ${field} must be a string.`);
  }
  if (HEADER_CONTROLS.test(value)) {
    throw new SealpostError(
      'EHEADER',
      `Header ${field} contains a line break or control character: ${quoteUntrusted(value)}.`,
    );
  }
  if (value.split(/[ \t]+/).some((word) => word.length > MAX_WORD)) {
    throw new SealpostError('EHEADER', `Header ${field} has a word too long to fold.`);
  }
  return value;
}

/** Validates the caller's extra header fields: ftext names, not reserved, safe values. */
export function checkExtraHeaders(
  headers: Readonly<Record<string, string>> | readonly HeaderField[] | undefined,
): HeaderField[] {
  if (headers === undefined) return [];
  const fields: HeaderField[] = Array.isArray(headers)
    ? headers.map((h: HeaderField) => ({ name: h?.name, value: h?.value }))
    : Object.entries(headers).map(([name, value]) => ({ name, value }));
  return fields.map(({ name, value }) => {
    if (typeof name !== 'string' || !isFieldName(name)) {
      throw new SealpostError(
        'EHEADER',
        `Header name ${quoteUntrusted(String(name))} is not allowed.`,
      );
    }
    const lower = name.toLowerCase();
    if (RESERVED.has(lower) || lower.startsWith('content-')) {
      throw new SealpostError(
        'EHEADER',
        `Header ${name} is set by sealpost itself: use the message field instead.`,
      );
    }
    return Object.freeze({ name, value: assertHeaderText(name, value) });
  });
}

/** RFC 5322 §3.6.4 msg-id = "<" dot-atom-text "@" dot-atom-text ">" (no obsolete forms). */
const MSG_ID =
  /^<[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*@[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*>$/;

/** Validates a Message-ID, adding the angle brackets when they are missing. */
export function checkMessageId(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  const id = text.startsWith('<') ? text : `<${text}>`;
  if (!MSG_ID.test(id)) {
    throw new SealpostError(
      'EHEADER',
      `Message-ID ${quoteUntrusted(String(value))} is not "<left@right>" (RFC 5322 §3.6.4).`,
    );
  }
  return id;
}

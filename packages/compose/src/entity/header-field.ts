import { quoteUntrusted, SealpostError } from '@sealpost/errors';

/** One header field (RFC 5322 §2.2); `value` is unfolded: it never holds CR or LF. */
export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

/** RFC 5322 §3.6.8 field-name: printable US-ASCII except ":". */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** RFC 5322 §2.1.1: lines we write stay at 78 characters when there is white space to fold at. */
const FOLD_AT = 78;
/** RFC 5322 §2.1.1: the hard limit, excluding CRLF. */
export const MAX_LINE = 998;

export function isFieldName(name: string): boolean {
  return FIELD_NAME.test(name);
}

/** EHEADER unless the field can be written safely: ftext name, no CR, LF or NUL in the value. */
export function assertHeaderField(field: HeaderField): void {
  if (!isFieldName(field.name)) {
    throw new SealpostError('EHEADER', `Header name ${quoteUntrusted(field.name)} is not allowed.`);
  }
  if (/[\r\n\0]/.test(field.value)) {
    throw new SealpostError(
      'EHEADER',
      `Header ${field.name} has a line break or NUL in its value ${quoteUntrusted(field.value)}.`,
    );
  }
}

/**
 * Writes one field, folded (RFC 5322 §2.2.3) before white space so that no line exceeds 78
 * characters where possible and never 998. Unfolding gives back exactly `value`.
 */
export function serializeHeaderField(field: HeaderField): string {
  assertHeaderField(field);
  const line = `${field.name}: ${field.value}`;
  if (line.length <= FOLD_AT) return line;
  // Each piece after the first starts with its white space, which stays on the new line.
  const pieces = line.split(/(?<![ \t])(?=[ \t]+[^ \t])/);
  const lines: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && current.length + piece.length > FOLD_AT) {
      lines.push(current);
      current = piece;
    } else current += piece;
  }
  lines.push(current);
  for (const folded of lines) {
    if (utf8Length(folded) > MAX_LINE) {
      throw new SealpostError(
        'EHEADER',
        `Header ${field.name} has a word longer than ${MAX_LINE} octets, which cannot be folded.`,
      );
    }
  }
  return lines.join('\r\n');
}

function utf8Length(text: string): number {
  let length = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    length += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return length;
}

/** Parses a header section (lines joined by CRLF, no final empty line) into unfolded fields. */
export function parseHeaderSection(text: string): HeaderField[] {
  const fields: HeaderField[] = [];
  let name: string | undefined;
  let value = '';
  const flush = () => {
    if (name !== undefined) fields.push({ name, value: value.replace(/[ \t]+$/, '') });
  };
  for (const line of text.split('\r\n')) {
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      if (name === undefined) {
        throw new SealpostError('EMIME', 'A MIME header section starts with a folded line.');
      }
      value += line;
      continue;
    }
    const colon = line.indexOf(':');
    const fieldName = colon > 0 ? line.slice(0, colon).replace(/[ \t]+$/, '') : '';
    if (!isFieldName(fieldName)) {
      throw new SealpostError('EMIME', `Not a header field: ${quoteUntrusted(line)}.`);
    }
    flush();
    name = fieldName;
    value = line.slice(colon + 1).replace(/^[ \t]+/, '');
  }
  flush();
  return fields;
}

/** The first field called `name` (case-insensitive), as RFC 5322 §1.2.2 names compare. */
export function findHeader(headers: readonly HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Every field called `name` (case-insensitive), in order. */
export function findHeaders(headers: readonly HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

/** RFC 2045 §9: Content-* fields and MIME-Version describe the entity, not the message. */
export function isMimeField(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('content-') || lower === 'mime-version';
}

import { addressError } from './address-error.js';

/** A lexical token of RFC 5322 §3.4 address syntax, as far as we accept it. */
export type AddressToken =
  | { readonly kind: 'atom'; readonly text: string; readonly spaceBefore: boolean }
  | { readonly kind: 'quoted'; readonly text: string; readonly spaceBefore: boolean }
  | {
      readonly kind: 'special';
      readonly text: '<' | '>' | '@' | ',' | ':' | ';';
      readonly spaceBefore: boolean;
    };

/**
 * RFC 5322 §3.2.3 atext, plus "." (dot-atoms and obs-phrase names like "John Q. Public") and
 * RFC 6532 §3.2 UTF8-non-ascii.
 */
const ATOM_CHAR = /[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.\u00a0-\u{10ffff}]/u;

/**
 * Characters refused anywhere: C0 controls (CR, LF, NUL, TAB…), DEL, C1 controls, line and
 * paragraph separators, and bidi controls that can make an address read differently than it
 * routes (Trojan Source, CVE-2021-42574).
 */
const FORBIDDEN =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\ufeff]/u;

/** What a submitted header may hold beyond the strict grammar (sendmail input, RFC 5322 §3.4). */
export interface AddressSyntax {
  /** Skip RFC 5322 §3.2.2 comments "(…)" as white space; their text never becomes an address. */
  readonly comments?: boolean;
  /** Return ":" and ";" as specials, so the list parser can accept an empty group (§3.4). */
  readonly groups?: boolean;
}

/** The index after the comment opening at `start` (nested, with quoted-pairs); EADDRESS if unclosed. */
function skipComment(input: string, chars: readonly string[], start: number): number {
  let depth = 0;
  for (let i = start; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
    // A reader may show the comment as the address ("bob@example.org (evil@x.test)").
    else if ('@<>,:;"'.includes(c))
      throw addressError(input, 'a comment holding address characters is not accepted');
  }
  throw addressError(input, 'it has an unbalanced comment');
}

/** Splits address text into tokens; EADDRESS on anything outside the strict grammar. */
export function tokenizeAddress(input: string, syntax: AddressSyntax = {}): AddressToken[] {
  const bad = FORBIDDEN.exec(input);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw addressError(input, `it contains the control or format character U+${code}`);
  }
  const tokens: AddressToken[] = [];
  let spaceBefore = false;
  const chars = [...input];
  for (let i = 0; i < chars.length; ) {
    const ch = chars[i]!;
    if (ch === ' ') {
      spaceBefore = true;
      i++;
      continue;
    }
    if (ch === '"') {
      let text = '';
      let closed = false;
      for (i++; i < chars.length; i++) {
        const c = chars[i]!;
        if (c === '\\') {
          i++;
          if (i >= chars.length) break;
          text += chars[i];
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else text += c;
      }
      if (!closed) throw addressError(input, 'it has an unbalanced quote');
      tokens.push({ kind: 'quoted', text, spaceBefore });
    } else if (ch === '<' || ch === '>' || ch === '@' || ch === ',') {
      tokens.push({ kind: 'special', text: ch, spaceBefore });
      i++;
    } else if ((ch === ':' || ch === ';') && syntax.groups) {
      tokens.push({ kind: 'special', text: ch, spaceBefore });
      i++;
    } else if (ch === ':' || ch === ';') {
      throw addressError(input, 'group syntax (":" or ";") is not accepted');
    } else if (ch === '(' && syntax.comments) {
      i = skipComment(input, chars, i);
      spaceBefore = true;
      continue;
    } else if (ch === '(' || ch === ')') {
      throw addressError(input, 'comments in parentheses are not accepted');
    } else if (ch === '[' || ch === ']') {
      throw addressError(input, 'domain literals in brackets are not accepted');
    } else if (ch === '\\') {
      throw addressError(input, 'a backslash outside quotes is not accepted');
    } else if (ATOM_CHAR.test(ch)) {
      let text = '';
      while (i < chars.length && ATOM_CHAR.test(chars[i]!)) text += chars[i++];
      tokens.push({ kind: 'atom', text, spaceBefore });
    } else {
      throw addressError(input, `the character ${JSON.stringify(ch)} is not allowed here`);
    }
    spaceBefore = false;
  }
  return tokens;
}

import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { utf8 } from './bytes.js';

/** A parsed Content-Type (RFC 2045 §5.1); names are lower case, values decoded (RFC 2231). */
export interface ContentType {
  readonly type: string;
  readonly subtype: string;
  /** "type/subtype", lower case. */
  readonly mediaType: string;
  readonly params: Record<string, string>;
}

/** RFC 2045 §5.1 token: US-ASCII printable except tspecials. */
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
/** Longest RFC 2231 section we write, so a parameter folds into short lines. */
const SECTION = 60;
/** Longest plain (token or quoted) value we write; its line stays well under 998 octets. */
const MAX_PLAIN = 500;

export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

function malformed(what: string, value: string): SealpostError {
  return new SealpostError('EMIME', `Malformed ${what}: ${quoteUntrusted(value)}.`);
}

/** Splits a structured value into tokens, quoted strings and specials, dropping comments. */
function lex(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (' \t\r\n'.includes(ch)) i++;
    else if (ch === '(') {
      let depth = 0;
      for (; i < value.length; i++) {
        if (value[i] === '\\') i++;
        else if (value[i] === '(') depth++;
        else if (value[i] === ')' && --depth === 0) break;
      }
      if (depth !== 0) throw malformed('comment in a MIME header', value);
      i++;
    } else if (ch === '"') {
      let text = '';
      for (i++; i < value.length && value[i] !== '"'; i++) {
        if (value[i] === '\\') i++;
        text += value[i] ?? '';
      }
      if (i >= value.length) throw malformed('quoted string in a MIME header', value);
      out.push(`"${text}`);
      i++;
    } else if (';/='.includes(ch)) {
      out.push(ch);
      i++;
    } else {
      const start = i;
      while (i < value.length && !' \t\r\n();/="'.includes(value[i]!)) i++;
      out.push(value.slice(start, i));
    }
  }
  return out;
}

/** Parses `value; name=value; …` parameters (RFC 2045 §5.1, RFC 2231 §3–4). */
export function parseParameters(tokens: string[], original: string): Record<string, string> {
  const raw = new Map<string, { value: string; extended: boolean }>();
  for (let i = 0; i < tokens.length; ) {
    if (tokens[i] !== ';') throw malformed('MIME parameter list', original);
    if (tokens[i + 1] === undefined || tokens[i + 1] === ';') {
      i++; // tolerate a trailing or doubled ";"
      continue;
    }
    const name = tokens[i + 1]!;
    const value = tokens[i + 3];
    if (tokens[i + 2] !== '=' || value === undefined || value === ';' || value === '=') {
      throw malformed('MIME parameter', original);
    }
    const quoted = value.startsWith('"');
    const text = quoted ? value.slice(1) : value;
    const lower = name.toLowerCase();
    if (!isToken(name)) throw malformed('MIME parameter name', original);
    raw.set(lower.replace(/\*$/, ''), { value: text, extended: !quoted && lower.endsWith('*') });
    i += 4;
  }
  return joinParameters(raw);
}

/** Joins RFC 2231 continuations (name*0, name*1*, …) and decodes extended values. */
function joinParameters(raw: Map<string, { value: string; extended: boolean }>) {
  const params: Record<string, string> = {};
  const bases = new Set([...raw.keys()].map((k) => k.replace(/\*\d+$/, '')));
  for (const base of bases) {
    if (!raw.has(`${base}*0`)) {
      const single = raw.get(base);
      if (single) params[base] = single.extended ? decodeExtended(single.value) : single.value;
      continue;
    }
    const first = raw.get(`${base}*0`)!;
    let charset = 'utf-8';
    const bytes: number[] = [];
    for (let n = 0; raw.has(`${base}*${n}`); n++) {
      const section = raw.get(`${base}*${n}`)!;
      let text = section.value;
      if (n === 0 && first.extended) {
        const match = /^([^']*)'[^']*'(.*)$/.exec(text);
        charset = match?.[1] || 'us-ascii';
        text = match?.[2] ?? text;
      }
      bytes.push(...(section.extended ? percentDecode(text) : utf8(text)));
    }
    params[base] = decodeCharset(Uint8Array.from(bytes), charset);
  }
  return params;
}

function decodeExtended(value: string): string {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!match) return value;
  return decodeCharset(Uint8Array.from(percentDecode(match[2]!)), match[1] || 'us-ascii');
}

function percentDecode(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(text.charCodeAt(i) & 0xff);
  }
  return out;
}

/** Decodes text in a named charset; unknown charsets fall back to ISO-8859-1 (lossless). */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase() === 'us-ascii' ? 'utf-8' : charset).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Parses a Content-Type field value (RFC 2045 §5.1). EMIME when malformed. */
export function parseContentType(value: string): ContentType {
  const tokens = lex(value);
  const [type, slash, subtype] = tokens;
  if (!type || slash !== '/' || !subtype || !isToken(type) || !isToken(subtype)) {
    throw malformed('Content-Type', value);
  }
  const params = parseParameters(tokens.slice(3), value);
  const lowerType = type.toLowerCase();
  const lowerSubtype = subtype.toLowerCase();
  return {
    type: lowerType,
    subtype: lowerSubtype,
    mediaType: `${lowerType}/${lowerSubtype}`,
    params,
  };
}

/** Parses a value with parameters whose head is one token, e.g. Content-Disposition. */
export function parseTokenWithParameters(value: string): {
  value: string;
  params: Record<string, string>;
} {
  const tokens = lex(value);
  const head = tokens[0];
  if (!head || !isToken(head)) throw malformed('MIME header', value);
  return { value: head.toLowerCase(), params: parseParameters(tokens.slice(1), value) };
}

/** Formats one parameter: a token, a quoted string, or RFC 2231 UTF-8 sections for the rest. */
export function formatParameter(name: string, value: string): string {
  if (!isToken(name))
    throw new SealpostError('EHEADER', `Bad MIME parameter name ${quoteUntrusted(name)}.`);
  // Printable ASCII stays a token or quoted string (some parsers, e.g. for boundaries, know no
  // RFC 2231); only longer values than a line can carry are split into RFC 2231 sections.
  if (isToken(value) && value.length <= MAX_PLAIN) return `${name}=${value}`;
  if (/^[\x20-\x7e]*$/.test(value) && value.length <= MAX_PLAIN) {
    return `${name}="${value.replace(/["\\]/g, '\\$&')}"`;
  }
  const encoded = [...utf8(value)].map((b) => {
    const ch = String.fromCharCode(b);
    return /[A-Za-z0-9!#$&+\-.^_`|~]/.test(ch)
      ? ch
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  });
  const sections: string[] = [];
  let current = "utf-8''";
  for (const piece of encoded) {
    if (current.length + piece.length > SECTION) {
      sections.push(current);
      current = '';
    }
    current += piece;
  }
  sections.push(current);
  if (sections.length === 1) return `${name}*=${sections[0]}`;
  return sections.map((s, n) => `${name}*${n}*=${s}`).join('; ');
}

/** Formats "type/subtype; name=value; …" (RFC 2045 §5.1, RFC 2231 for non-ASCII values). */
export function formatContentType(mediaType: string, params: Record<string, string> = {}): string {
  const [type, subtype, extra] = mediaType.split('/');
  if (!type || !subtype || extra !== undefined || !isToken(type) || !isToken(subtype)) {
    throw new SealpostError('EHEADER', `Bad media type ${quoteUntrusted(mediaType)}.`);
  }
  return [mediaType, ...Object.entries(params).map(([k, v]) => formatParameter(k, v))].join('; ');
}

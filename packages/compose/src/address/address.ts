import { decodeHeaderText } from '../entity/encoded-word.js';
import { toAsciiDomain } from './address-domain.js';
import { addressError } from './address-error.js';
import { type AddressToken, tokenizeAddress } from './address-tokens.js';

/** A mailbox (RFC 5322 §3.4) after strict parsing. */
export interface Address {
  /** The display name, decoded (RFC 2047 words are decoded); absent when there is none. */
  readonly name?: string;
  /** local@domain with the domain as A-labels: what MAIL FROM / RCPT TO and headers carry. */
  readonly address: string;
  /** True when the local part is not ASCII: the server must offer SMTPUTF8 (RFC 6531). */
  readonly smtputf8: boolean;
}

/** RFC 5321 §4.5.3.1.1 and §4.5.3.1.3 (with RFC 5321 erratum 1690: 254 for a path). */
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
/** RFC 5322 §3.2.3 dot-atom-text, extended by RFC 6532 with UTF-8. */
const DOT_ATOM = /^[^.]+(?:\.[^.]+)*$/u;
/** What a quoted local part may hold: printable ASCII (RFC 5321 §4.1.2 qtextSMTP + space). */
const QUOTED_LOCAL = /^[\x20-\x7e]+$/;

function octets(text: string): number {
  return new TextEncoder().encode(text).length;
}

function localPart(input: string, token: AddressToken | undefined): string {
  if (!token || token.kind === 'special') throw addressError(input, 'the local part is empty');
  if (token.kind === 'quoted') {
    if (!QUOTED_LOCAL.test(token.text))
      throw addressError(input, 'the quoted local part is empty or not printable ASCII');
    // RFC 5321 §4.1.2: a quoted local part that is a valid dot-atom is the same mailbox unquoted.
    if (DOT_ATOM.test(token.text) && /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/.test(token.text))
      return token.text;
    return `"${token.text.replace(/["\\]/g, '\\$&')}"`;
  }
  if (!DOT_ATOM.test(token.text)) throw addressError(input, 'the local part has a misplaced dot');
  return token.text;
}

/**
 * What headers of a submitted message (sendmail's stdin) may hold beyond the strict default:
 * cron writes `From: root (Cron Daemon)` and `To: undisclosed-recipients:;`.
 */
export interface AddressListOptions {
  /** Accept RFC 5322 §3.2.2 comments; they are white space and never an address. */
  readonly comments?: boolean;
  /** Accept a group with no members (`undisclosed-recipients:;`, §3.4); one with members stays refused. */
  readonly emptyGroups?: boolean;
  /** Qualify a bare local part (`root`) with this domain, as sendmail does (RFC 5321 §2.3.5). */
  readonly localDomain?: string;
}

/** addr-spec = local-part "@" domain, with no white space inside (RFC 5322 §3.4.1). */
function addrSpec(
  input: string,
  tokens: readonly AddressToken[],
  options: AddressListOptions = {},
): Omit<Address, 'name'> {
  const bare = tokens.length === 1 && tokens[0]?.kind === 'atom';
  if (bare && options.localDomain && /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/.test(tokens[0]!.text)) {
    const domain: AddressToken = { kind: 'atom', text: options.localDomain, spaceBefore: false };
    const at: AddressToken = { kind: 'special', text: '@', spaceBefore: false };
    return addrSpec(input, [tokens[0]!, at, domain]);
  }
  const ats = tokens.filter((t) => t.kind === 'special' && t.text === '@').length;
  if (ats === 0) throw addressError(input, 'it has no "@"');
  if (ats > 1) throw addressError(input, 'it has more than one "@" outside quotes');
  if (tokens.length !== 3 || tokens[1]?.text !== '@' || tokens[1].kind !== 'special') {
    const empty = tokens[0]?.text === '@' ? 'the local part is empty' : 'the domain is empty';
    throw addressError(input, tokens.length < 3 ? empty : 'it is not one local@domain');
  }
  const [, at, domainToken] = tokens as [AddressToken, AddressToken, AddressToken];
  if (at.spaceBefore || domainToken.spaceBefore) {
    throw addressError(input, 'it has white space around "@"');
  }
  const local = localPart(input, tokens[0]);
  if (domainToken.kind !== 'atom') throw addressError(input, 'the domain is empty or quoted');
  const domain = toAsciiDomain(domainToken.text);
  if (!domain) throw addressError(input, 'the domain is not a valid host name');
  if (octets(local) > MAX_LOCAL) {
    throw addressError(input, `the local part is longer than ${MAX_LOCAL} octets (RFC 5321)`);
  }
  const address = `${local}@${domain}`;
  if (octets(address) > MAX_ADDRESS) {
    throw addressError(input, `it is longer than ${MAX_ADDRESS} octets (RFC 5321)`);
  }
  return { address, smtputf8: /[^\x00-\x7f]/.test(local) };
}

/** The display name: atoms and quoted strings (RFC 5322 §3.2.5 phrase), RFC 2047 decoded. */
function displayName(input: string, tokens: readonly AddressToken[]): string | undefined {
  if (tokens.length === 0) return undefined;
  if (tokens.some((t) => t.kind === 'special')) {
    const at = tokens.some((t) => t.text === '@');
    throw addressError(
      input,
      at ? 'it has more than one "@" outside quotes' : 'it has unbalanced angle brackets',
    );
  }
  const words = tokens.map((t) => (t.kind === 'atom' ? decodeHeaderText(t.text) : t.text));
  const name = words.join(' ').trim();
  // A decoded encoded-word could smuggle a line break or control into the name.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(name)) {
    throw addressError(input, 'the display name decodes to control characters');
  }
  return name || undefined;
}

function mailbox(
  input: string,
  tokens: readonly AddressToken[],
  options: AddressListOptions,
): Address {
  if (tokens.length === 0) throw addressError(input, 'it is empty');
  const open = tokens.findIndex((t) => t.kind === 'special' && t.text === '<');
  const closes = tokens.filter((t) => t.kind === 'special' && t.text === '>').length;
  const opens = tokens.filter((t) => t.kind === 'special' && t.text === '<').length;
  if (open === -1) {
    if (closes > 0) throw addressError(input, 'it has unbalanced angle brackets');
    return addrSpec(input, tokens, options);
  }
  const last = tokens[tokens.length - 1]!;
  if (opens !== 1 || closes !== 1 || last.kind !== 'special' || last.text !== '>') {
    throw addressError(input, 'it has unbalanced angle brackets or text after ">"');
  }
  const spec = addrSpec(input, tokens.slice(open + 1, -1), options);
  const name = displayName(input, tokens.slice(0, open));
  return name === undefined ? spec : { name, ...spec };
}

/** Parses exactly one mailbox, "Name <local@domain>" or "local@domain". EADDRESS otherwise. */
export function parseAddress(text: string): Address {
  if (typeof text !== 'string') throw addressError(String(text), 'it is not a string');
  const list = parseAddressList(text);
  if (list.length !== 1) throw addressError(text, 'it holds more than one address');
  return list[0]!;
}

/**
 * Parses a comma-separated mailbox list (RFC 5322 §3.4); groups and empty entries refused,
 * and by default comments and bare local parts too (`options` loosens that for submissions).
 */
export function parseAddressList(text: string, options: AddressListOptions = {}): Address[] {
  if (typeof text !== 'string') throw addressError(String(text), 'it is not a string');
  const tokens = tokenizeAddress(text, {
    ...(options.comments ? { comments: true } : {}),
    ...(options.emptyGroups ? { groups: true } : {}),
  });
  if (tokens.length === 0) throw addressError(text, 'it is empty');
  const addresses: Address[] = [];
  let current: AddressToken[] = [];
  let afterGroup = false;
  const end = { kind: 'special', text: ',', spaceBefore: false } as const;
  for (let i = 0; i <= tokens.length; i++) {
    const token = tokens[i] ?? end;
    if (token.kind === 'special' && (token.text === ':' || token.text === ';')) {
      // Only `phrase ":" ";"`: a member list would put addresses in a field we read loosely.
      const phrase = current.length > 0 && current.every((t) => t.kind !== 'special');
      if (token.text === ';' || !phrase || tokens[i + 1]?.text !== ';')
        throw addressError(text, 'a group with members (":" … ";") is not accepted');
      const next = tokens[i + 2];
      if (next && (next.kind !== 'special' || next.text !== ','))
        throw addressError(text, 'text follows the group\'s ";"');
      current = [];
      afterGroup = true;
      i += 1; // the ";"; the "," (or the end) after it closes the entry below
      continue;
    }
    if (token.kind !== 'special' || token.text !== ',') {
      current.push(token);
      continue;
    }
    if (current.length === 0 && afterGroup) {
      afterGroup = false;
      continue;
    }
    if (current.length === 0) throw addressError(text, 'it has an empty list entry');
    addresses.push(Object.freeze(mailbox(text, current, options)));
    current = [];
  }
  return addresses;
}

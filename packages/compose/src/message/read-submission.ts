/**
 * readSubmission: a message submitted as RFC 5322 bytes (sendmail's standard input, a worker's
 * message/rfc822), read strictly: header fields (RFC 5322 §2.2), From/To/Cc/Bcc with the strict
 * address parser (§3.4), the Bcc field removed from the bytes (§3.6.3: it must not reach the
 * other recipients), and Date/Message-ID added when missing, as sendmail does (§3.6: both SHOULD
 * be present; the submission server may add them, RFC 6409 §8). What cron and mailx write is
 * accepted as sendmail accepts it: comments, an empty group (`undisclosed-recipients:;`), bare
 * local parts qualified with `localDomain`, a recipient named twice (sent once), and 8-bit or
 * over-long body lines (labelled and re-encoded, `submitted-body.ts`).
 */
import { randomBytes } from 'node:crypto';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import {
  type Address,
  type AddressListOptions,
  parseAddress,
  parseAddressList,
} from '../address/address.js';
import { encodeHeaderText } from '../entity/encoded-word.js';
import type { HeaderField } from '../entity/header-field.js';
import { canonicalizeLineEnds } from '../entity/line-ends.js';
import { joinMessage, splitMessage } from '../entity/message.js';
import type { MimeEntity } from '../entity/mime-entity.js';
import type { Envelope } from './message.js';
import { encodeSubmittedBody } from './submitted-body.js';

export interface ReadSubmissionOptions {
  /**
   * Take the recipients from To, Cc and Bcc (sendmail -t). Default true; when false only
   * `extraRecipients` receive it.
   */
  readonly recipientsFromHeaders?: boolean;
  /** More recipients (sendmail's arguments): blind copies unless named in To or Cc. */
  readonly extraRecipients?: readonly string[];
  /** The envelope sender (sendmail -f); default the From address. */
  readonly envelopeFrom?: string;
  /** The sender when the message has no From field (e.g. from a config file). */
  readonly defaultFrom?: string;
  /** Missing Date / Message-ID: 'add' them (default, as sendmail does) or only 'note' them. */
  readonly missingFields?: 'add' | 'note';
  /** The Date added when missing; default now. */
  readonly now?: Date;
  /**
   * Qualify a bare local part (`From: root`, a recipient `root`) with this domain, as sendmail
   * does; without it such an address is refused (EADDRESS).
   */
  readonly localDomain?: string;
  /** The display name for a From field added from `defaultFrom` (sendmail -F). */
  readonly fullName?: string;
}

export interface Submission {
  /** The envelope sender: -f, else the From address, else `defaultFrom`. */
  readonly from: Address;
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  /** Blind recipients: the Bcc field's (with -t) and extra ones not in To or Cc. */
  readonly bcc: readonly Address[];
  /** The message header fields as they will be sent: no Bcc, Date/Message-ID added if so. */
  readonly headers: readonly HeaderField[];
  /** The MIME entity: the Content-* fields and the body, as submitted (CRLF line ends). */
  readonly entity: MimeEntity;
  /** The exact bytes to sign/encrypt or send: `headers` over `entity`, CRLF, no Bcc field. */
  readonly mime: Uint8Array;
  /** MAIL FROM and RCPT TO (to, cc, bcc in order); smtputf8 when an address needs it. */
  readonly envelope: Envelope;
  /** Date / Message-ID fields that were missing: added, or only noted (`missingFields`). */
  readonly missing: readonly ('Date' | 'Message-ID')[];
  /**
   * What was changed so the message can be sent: addresses qualified, recipients named twice,
   * the body labelled or re-encoded. Empty when the bytes went through as submitted.
   */
  readonly changes: readonly string[];
}

/** RFC 5322 §3.3 date-time with a numeric zone (+0000). */
export function rfc5322Date(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

const lower = (a: Address) => a.address.toLowerCase();

/** A mailbox as a header carries it: the name as an atom phrase, quoted string or RFC 2047 words. */
function formatMailbox(a: Address): string {
  if (a.name === undefined) return a.address;
  const name = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(a.name)
    ? a.name
    : /^[\x20-\x7e]+$/.test(a.name) && !a.name.includes('=?')
      ? `"${a.name.replace(/["\\]/g, '\\$&')}"`
      : encodeHeaderText(a.name);
  return `${name} <${a.address}>`;
}

/** The one simple comment of a bare mailbox, which old-style headers use as the name: `root (Cron Daemon)`. */
function commentName(value: string): string | undefined {
  const comments = value.match(/\(([^()\\]*)\)/g);
  if (comments?.length !== 1 || value.includes('<')) return undefined;
  return comments[0]!.slice(1, -1).trim() || undefined;
}

/** Reads a submitted message; throws EMESSAGE, EMIME, EADDRESS or EHEADER on bad input. */
export function readSubmission(bytes: Uint8Array, options: ReadSubmissionOptions = {}): Submission {
  const input = canonicalizeLineEnds(bytes);
  if (input.length === 0) throw new SealpostError('EMESSAGE', 'The message is empty.');
  const split = splitMessage(input);
  const changes: string[] = [];
  const loose: AddressListOptions = {
    comments: true,
    emptyGroups: true,
    ...(options.localDomain ? { localDomain: options.localDomain } : {}),
  };
  // Address fields the strict parser refuses but the loose one reads are rewritten strictly, so
  // what recipients see (and a signature check reads) is the qualified address that was used.
  const messageHeaders = split.messageHeaders.map((h) => {
    const name = h.name.toLowerCase();
    if (!['from', 'to', 'cc', 'bcc', 'reply-to', 'sender'].includes(name)) return h;
    const value = h.value.replace(/\t/g, ' ');
    try {
      parseAddressList(value);
      return h;
    } catch {
      const list = parseAddressList(value, loose).map((a) => {
        const comment = a.name === undefined ? commentName(value) : undefined;
        return Object.freeze(comment ? { ...a, name: comment } : a);
      });
      // An empty group stays as written: it is valid RFC 5322 and names nobody.
      if (list.length === 0) return h;
      changes.push(`rewrote ${h.name} as ${list.map((a) => a.address).join(', ')}`);
      return { name: h.name, value: list.map(formatMailbox).join(', ') };
    }
  });
  const entity = encodeSubmittedBody(split.entity);
  changes.push(...entity.changes);
  const values = (name: string) =>
    messageHeaders.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  const addresses = (name: string) =>
    values(name).flatMap((value) => parseAddressList(value.replace(/\t/g, ' '), loose));
  for (const name of ['from', 'sender', 'date', 'message-id', 'subject']) {
    // RFC 5322 §3.6: at most one of each; two From fields would let a reader pick either.
    if (values(name).length > 1)
      throw new SealpostError('EMESSAGE', `The message has more than one ${name} field.`);
  }

  const qualify = options.localDomain ? { localDomain: options.localDomain } : {};
  if (values('from').length === 1 && addresses('from').length !== 1)
    throw new SealpostError('EMESSAGE', 'The From field must name exactly one mailbox.');
  const fromField = addresses('from')[0];
  const defaultFrom = options.defaultFrom ? parseAddress(options.defaultFrom) : undefined;
  const from = options.envelopeFrom
    ? parseAddressList(options.envelopeFrom, qualify)[0]
    : (fromField ?? defaultFrom);
  if (
    !from ||
    (options.envelopeFrom && parseAddressList(options.envelopeFrom, qualify).length !== 1)
  )
    throw new SealpostError(
      'EMESSAGE',
      'The message has no From field: add one, or give the sender separately (sendmail -f).',
    );

  const fromHeaders = options.recipientsFromHeaders !== false;
  const to = fromHeaders ? addresses('to') : [];
  const cc = fromHeaders ? addresses('cc') : [];
  const visible = new Set([...to, ...cc].map(lower));
  const blind = [
    ...(fromHeaders ? addresses('bcc') : []),
    ...(options.extraRecipients ?? []).flatMap((r) => parseAddressList(r, qualify)),
  ];
  const bcc = blind.filter(
    (a, i) => !visible.has(lower(a)) && blind.findIndex((b) => lower(b) === lower(a)) === i,
  );
  // sendmail delivers once to a recipient named in both To and Cc (or twice in one field).
  const recipients: Address[] = [];
  const seen = new Set<string>();
  for (const r of [...to, ...cc, ...bcc]) {
    if (seen.has(lower(r))) {
      changes.push(`sent once to ${quoteUntrusted(r.address)}, named more than once in To/Cc`);
      continue;
    }
    seen.add(lower(r));
    recipients.push(r);
  }

  // Never send the Bcc field (docs/design.md §4): each blind recipient gets a copy of their own above us.
  const headers = messageHeaders.filter((h) => h.name.toLowerCase() !== 'bcc');
  const missing: ('Date' | 'Message-ID')[] = [];
  if (values('date').length === 0) missing.push('Date');
  if (values('message-id').length === 0) missing.push('Message-ID');
  if (options.missingFields !== 'note') {
    const domain = from.address.slice(from.address.lastIndexOf('@') + 1);
    if (!fromField && defaultFrom) {
      // sendmail adds the From it sends as (with -F's full name); a message without one is
      // unverifiable for every recipient (RFC 5322 §3.6: From is required).
      const name = options.fullName ?? defaultFrom.name;
      headers.unshift({
        name: 'From',
        value: formatMailbox(name ? { ...defaultFrom, name } : defaultFrom),
      });
    }
    if (missing.includes('Date'))
      headers.push({ name: 'Date', value: rfc5322Date(options.now ?? new Date()) });
    if (missing.includes('Message-ID'))
      headers.push({ name: 'Message-ID', value: `<${randomBytes(12).toString('hex')}@${domain}>` });
  }
  const smtputf8 = from.smtputf8 || recipients.some((r) => r.smtputf8);
  return {
    from,
    to: unique(to),
    cc: unique(cc).filter((a) => !to.some((t) => lower(t) === lower(a))),
    bcc,
    headers,
    entity: entity.entity,
    mime: joinMessage(headers, entity.entity),
    envelope: {
      from: from.address,
      to: recipients.map((r) => r.address),
      ...(smtputf8 ? { smtputf8 } : {}),
    },
    missing,
    changes,
  };
}

function unique(list: readonly Address[]): Address[] {
  return list.filter((a, i) => list.findIndex((b) => lower(b) === lower(a)) === i);
}

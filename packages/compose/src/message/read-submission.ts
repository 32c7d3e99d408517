/**
 * readSubmission: a message submitted as RFC 5322 bytes (sendmail's standard input, a worker's
 * message/rfc822), read strictly: header fields (RFC 5322 §2.2), From/To/Cc/Bcc with the strict
 * address parser (§3.4), the Bcc field removed from the bytes (§3.6.3: it must not reach the
 * other recipients), and Date/Message-ID added when missing, as sendmail does (§3.6: both SHOULD
 * be present; the submission server may add them, RFC 6409 §8).
 */
import { randomBytes } from 'node:crypto';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { type Address, parseAddress, parseAddressList } from '../address/address.js';
import type { HeaderField } from '../entity/header-field.js';
import { canonicalizeLineEnds } from '../entity/line-ends.js';
import { joinMessage, splitMessage } from '../entity/message.js';
import type { MimeEntity } from '../entity/mime-entity.js';
import type { Envelope } from './message.js';

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
}

/** RFC 5322 §3.3 date-time with a numeric zone (+0000). */
export function rfc5322Date(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

const lower = (a: Address) => a.address.toLowerCase();

/** Reads a submitted message; throws EMESSAGE, EMIME, EADDRESS or EHEADER on bad input. */
export function readSubmission(bytes: Uint8Array, options: ReadSubmissionOptions = {}): Submission {
  const input = canonicalizeLineEnds(bytes);
  if (input.length === 0) throw new SealpostError('EMESSAGE', 'The message is empty.');
  const { messageHeaders, entity } = splitMessage(input);
  const values = (name: string) =>
    messageHeaders.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  const addresses = (name: string) => values(name).flatMap((value) => parseAddressList(value));
  for (const name of ['from', 'sender', 'date', 'message-id', 'subject']) {
    // RFC 5322 §3.6: at most one of each; two From fields would let a reader pick either.
    if (values(name).length > 1)
      throw new SealpostError('EMESSAGE', `The message has more than one ${name} field.`);
  }

  const fromField = addresses('from')[0];
  const from = options.envelopeFrom
    ? parseAddress(options.envelopeFrom)
    : (fromField ?? (options.defaultFrom ? parseAddress(options.defaultFrom) : undefined));
  if (!from)
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
    ...(options.extraRecipients ?? []).flatMap((r) => parseAddressList(r)),
  ];
  const bcc = blind.filter(
    (a, i) => !visible.has(lower(a)) && blind.findIndex((b) => lower(b) === lower(a)) === i,
  );
  const recipients = [...to, ...cc, ...bcc];
  const seen = new Set<string>();
  for (const r of recipients) {
    if (seen.has(lower(r)))
      throw new SealpostError(
        'EMESSAGE',
        `Recipient ${quoteUntrusted(r.address)} is listed twice in To/Cc.`,
      );
    seen.add(lower(r));
  }

  // Never send the Bcc field (docs/design.md §4): each blind recipient gets a copy of their own above us.
  const headers = messageHeaders.filter((h) => h.name.toLowerCase() !== 'bcc');
  const missing: ('Date' | 'Message-ID')[] = [];
  if (values('date').length === 0) missing.push('Date');
  if (values('message-id').length === 0) missing.push('Message-ID');
  if (options.missingFields !== 'note') {
    const domain = from.address.slice(from.address.lastIndexOf('@') + 1);
    if (missing.includes('Date'))
      headers.push({ name: 'Date', value: rfc5322Date(options.now ?? new Date()) });
    if (missing.includes('Message-ID'))
      headers.push({ name: 'Message-ID', value: `<${randomBytes(12).toString('hex')}@${domain}>` });
  }
  const smtputf8 = from.smtputf8 || recipients.some((r) => r.smtputf8);
  return {
    from,
    to,
    cc,
    bcc,
    headers,
    entity,
    mime: joinMessage(headers, entity),
    envelope: {
      from: from.address,
      to: recipients.map((r) => r.address),
      ...(smtputf8 ? { smtputf8 } : {}),
    },
    missing,
  };
}

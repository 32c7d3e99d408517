import { randomUUID } from 'node:crypto';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { type Address, parseAddress, parseAddressList } from '../address/address.js';
import { addressError } from '../address/address-error.js';
import { checkAttachment } from './attachment.js';
import { assertHeaderText, checkExtraHeaders, checkMessageId } from './header-checks.js';
import type { AddressInput, AddressListInput, Envelope, Message, MessageInput } from './message.js';

/** Characters refused in a display name given apart from its address. */
const NAME_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

function oneAddress(input: AddressInput, field: string): Address {
  if (typeof input === 'string') return parseAddress(input);
  if (input === null || typeof input !== 'object' || typeof input.address !== 'string') {
    throw addressError(String(input), `${field} must be a string or { name, address }`);
  }
  // The address part must be a bare addr-spec: no name, brackets or list hidden inside it.
  if (/[<>,]/.test(input.address)) {
    throw addressError(input.address, 'the address field must hold only local@domain');
  }
  const parsed = parseAddress(input.address);
  if (input.name === undefined || input.name === '') return parsed;
  if (typeof input.name !== 'string' || NAME_CONTROLS.test(input.name)) {
    throw addressError(
      String(input.name),
      'the display name has line breaks or control characters',
    );
  }
  return Object.freeze({ name: input.name, ...parsed });
}

function addressList(input: AddressListInput | undefined, field: string): readonly Address[] {
  if (input === undefined) return Object.freeze([]);
  const items: readonly AddressInput[] = Array.isArray(input) ? input : [input as AddressInput];
  const list = items.flatMap((item) =>
    typeof item === 'string' ? parseAddressList(item) : [oneAddress(item, field)],
  );
  return Object.freeze(list);
}

function buildEnvelope(from: Address, recipients: readonly Address[]): Envelope {
  if (recipients.length === 0) {
    throw new SealpostError('EMESSAGE', 'The message has no recipients: give To, Cc or Bcc.');
  }
  const seen = new Set<string>();
  for (const r of recipients) {
    // Local parts are case-sensitive in theory, not in practice: a case-only twin is a mistake.
    const key = r.address.toLowerCase();
    if (seen.has(key)) {
      throw new SealpostError(
        'EMESSAGE',
        `Recipient ${quoteUntrusted(r.address)} is listed twice.`,
        {
          details: { address: r.address },
        },
      );
    }
    seen.add(key);
  }
  const smtputf8 = from.smtputf8 || recipients.some((r) => r.smtputf8);
  return Object.freeze({
    from: from.address,
    to: Object.freeze(recipients.map((r) => r.address)),
    ...(smtputf8 ? { smtputf8 } : {}),
  });
}

function optionalText(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SealpostError('EMESSAGE', `${name} must be a string.`);
  return value;
}

/**
 * Validates everything and returns an immutable Message (RFC 5322 §3.6) whose envelope is
 * built from the same parsed address lists as its headers. Throws EADDRESS, EHEADER,
 * EMESSAGE or EATTACHMENT.
 */
export function createMessage(input: MessageInput): Message {
  if (input === null || typeof input !== 'object') {
    throw new SealpostError('EMESSAGE', 'createMessage needs a message object.');
  }
  if (input.from === undefined)
    throw new SealpostError('EMESSAGE', 'The message has no From address.');
  const from = oneAddress(input.from, 'from');
  const sender = input.sender === undefined ? undefined : oneAddress(input.sender, 'sender');
  const replyTo = addressList(input.replyTo, 'replyTo');
  const to = addressList(input.to, 'to');
  const cc = addressList(input.cc, 'cc');
  const bcc = addressList(input.bcc, 'bcc');
  const envelope = buildEnvelope(sender ?? from, [...to, ...cc, ...bcc]);
  const subject =
    input.subject === undefined ? undefined : assertHeaderText('Subject', input.subject);
  const date = input.date ?? new Date();
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new SealpostError('EMESSAGE', 'The message date is not a valid Date.');
  }
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1);
  const messageId =
    input.messageId === undefined
      ? // Fresh entropy per ID, not Node's batch of 128 pre-drawn UUIDs: a process started from
        // the CLI's start-up snapshot would restore that batch as the build left it, and every
        // run would hand out the same Message-IDs (docs/decisions/0143).
        `<${randomUUID({ disableEntropyCache: true })}@${domain}>`
      : checkMessageId(input.messageId);
  const message: Message = {
    from,
    ...(sender ? { sender } : {}),
    replyTo,
    to,
    cc,
    bcc,
    ...(subject === undefined ? {} : { subject }),
    ...withText('text', optionalText('text', input.text)),
    ...withText('html', optionalText('html', input.html)),
    attachments: Object.freeze((input.attachments ?? []).map(checkAttachment)),
    headers: Object.freeze(checkExtraHeaders(input.headers)),
    messageId,
    date: new Date(date.getTime()),
    envelope,
    generated: Object.freeze({
      messageId: input.messageId === undefined,
      date: input.date === undefined,
    }),
  };
  return Object.freeze(message);
}

function withText(key: 'text' | 'html', value: string | undefined) {
  return value === undefined ? {} : { [key]: value };
}

/**
 * `sealpost sendmail`: a sendmail-compatible entry point (RFC 5322 message on stdin), so `mail`,
 * cron and scripts can send through sealpost with its policy. Like sendmail, -t takes the
 * recipients from To, Cc and Bcc, and the Bcc header is removed before anything is sent.
 */
import { randomBytes } from 'node:crypto';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { Command, CommandContext } from '../command.js';
import { loadConfig } from '../config.js';
import { deliver } from '../send/deliver.js';
import { policyFromFlags } from '../send/policy-from-flags.js';
import { DELIVERY_OPTIONS, deliveryFlags, list, str } from './send.js';

/** RFC 5322 §3.3 date-time with a numeric zone. */
export function rfc5322Date(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return new Uint8Array(Buffer.concat(chunks));
}

export const sendmailCommand: Command = {
  name: 'sendmail',
  summary: 'Read a message on stdin, like sendmail -t, and send it with the configured policy',
  usage: 'sealpost sendmail [-t] [-i] [-f FROM] [RECIPIENT...] [send options] < message.eml',
  description:
    'Reads an RFC 5322 message on standard input and sends it like "sendmail": -t takes the\n' +
    'recipients from the To, Cc and Bcc headers (Bcc is removed; each Bcc recipient gets a private\n' +
    'copy), RECIPIENT arguments are added as blind recipients unless named in To or Cc, and -f sets\n' +
    'the envelope sender. Encryption, signing and the server come from the config file\n' +
    '(sealpost.config.json), SEALPOST_* variables or the same flags as "sealpost send".',
  options: {
    t: {
      type: 'boolean',
      short: 't',
      description: 'Take recipients from the To, Cc and Bcc headers.',
    },
    'ignore-dots': {
      type: 'boolean',
      short: 'i',
      description: 'Accepted for compatibility: input always ends at end of file.',
    },
    'envelope-from': {
      type: 'string',
      short: 'f',
      valueName: 'FROM',
      description: 'Envelope sender (MAIL FROM).',
    },
    'sendmail-option': {
      type: 'string',
      short: 'o',
      multiple: true,
      valueName: 'OPT',
      description: 'sendmail -o options: accepted and ignored (-oi = -i).',
    },
    ...DELIVERY_OPTIONS,
  },
  positionals: { min: 0, max: 1000 },
  examples: [
    {
      command: 'printf "To: bob@example.org\\nSubject: hi\\n\\nhello\\n" | sealpost sendmail -t',
      says: 'send with the policy from sealpost.config.json',
    },
    {
      command: 'echo body | mail -s test -r me@example.org bob@example.org',
      says: "with sealpost sendmail set as mail's sendmail program",
    },
  ],
  async run(ctx) {
    return runSendmail(ctx);
  },
};

async function runSendmail(ctx: CommandContext): Promise<number> {
  const { values: v } = ctx;
  const config = loadConfig(ctx.cwd, ctx.env);
  const compose = await import('@sealpost/compose');
  const input = compose.canonicalizeLineEnds(await readAll(ctx.stdin));
  if (input.length === 0) throw new SealpostError('EMESSAGE', 'No message on standard input.');
  const { messageHeaders, entity } = compose.splitMessage(input);
  const header = (name: string) =>
    messageHeaders.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  const addresses = (name: string) =>
    header(name).flatMap((value) => compose.parseAddressList(value));

  const fromHeader = addresses('from')[0];
  const envelopeFrom = str(v['envelope-from']);
  const from = envelopeFrom
    ? compose.parseAddress(envelopeFrom)
    : (fromHeader ?? (config.from ? compose.parseAddress(config.from) : undefined));
  if (!from)
    throw new SealpostError('EMESSAGE', 'The message has no From header; add one or give -f FROM.');

  const fromHeaders = v.t === true;
  const to = fromHeaders ? addresses('to') : [];
  const cc = fromHeaders ? addresses('cc') : [];
  const visible = new Set([...to, ...cc].map((a) => a.address.toLowerCase()));
  const bcc = [
    ...(fromHeaders ? addresses('bcc') : []),
    ...list(ctx.positionals).flatMap((r) => compose.parseAddressList(r)),
  ].filter(
    (a, i, all) =>
      !visible.has(a.address.toLowerCase()) &&
      all.findIndex((b) => b.address.toLowerCase() === a.address.toLowerCase()) === i,
  );
  if (to.length + cc.length + bcc.length === 0) {
    throw new SealpostError(
      'EUSAGE',
      'No recipients: give them as arguments or use -t to read To, Cc and Bcc.',
    );
  }

  // Never send the Bcc header (DESIGN §4); add Date and Message-ID when missing, as sendmail does.
  const kept = messageHeaders.filter((h) => h.name.toLowerCase() !== 'bcc');
  if (!header('date').length) kept.push({ name: 'Date', value: rfc5322Date(new Date()) });
  if (!header('message-id').length) {
    const domain = from.address.slice(from.address.lastIndexOf('@') + 1);
    kept.push({ name: 'Message-ID', value: `<${randomBytes(12).toString('hex')}@${domain}>` });
  }
  const policy = policyFromFlags({
    encrypt: str(v.encrypt) ?? config.encrypt,
    policy: str(v.policy) ?? config.policy,
    sign: str(v.sign) ?? config.sign,
  });
  const recipients = [...to, ...cc, ...bcc].map((a) => a.address.toLowerCase());
  if (new Set(recipients).size !== recipients.length) {
    throw new SealpostError(
      'EMESSAGE',
      `A recipient is listed twice in To/Cc: ${quoteUntrusted(recipients.join(', '))}.`,
    );
  }
  return deliver(ctx, {
    message: { from, to, cc, bcc },
    recipients,
    mime: compose.joinMessage(kept, entity),
    policy,
    config,
    ...deliveryFlags(v, config),
  });
}

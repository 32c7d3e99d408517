/**
 * `sealpost sendmail`: a sendmail-compatible entry point (RFC 5322 message on stdin), so `mail`,
 * cron and scripts can send through sealpost with its policy. Like sendmail, -t takes the
 * recipients from To, Cc and Bcc, and the Bcc header is removed before anything is sent.
 */

import { loadConfig } from '@sealpost/config';
import { SealpostError } from '@sealpost/errors';
import type { Command, CommandContext } from '../command.js';
import { deliver } from '../send/deliver.js';
import { policyFromFlags } from '../send/policy-from-flags.js';
import { readStdinSubmission } from '../send/stdin-submission.js';
import { DELIVERY_OPTIONS, deliveryFlags, list, str } from './send.js';

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
  const envelopeFrom = str(v['envelope-from']);
  // Large input: header section read strictly, the body streamed to prepareSend's spool (0105).
  const { SPOOL_THRESHOLD } = await import('@sealpost/pipeline');
  const submission = await readStdinSubmission(
    ctx.stdin,
    {
      recipientsFromHeaders: v.t === true,
      extraRecipients: list(ctx.positionals),
      ...(envelopeFrom ? { envelopeFrom } : {}),
      ...(config.from ? { defaultFrom: config.from } : {}),
    },
    SPOOL_THRESHOLD,
  );
  if (submission.envelope.to.length === 0) {
    throw new SealpostError(
      'EUSAGE',
      'No recipients: give them as arguments or use -t to read To, Cc and Bcc.',
    );
  }
  const policy = policyFromFlags({
    encrypt: str(v.encrypt) ?? config.encrypt,
    policy: str(v.policy) ?? config.policy,
    sign: str(v.sign) ?? config.sign,
  });
  return deliver(ctx, {
    message: submission,
    policy,
    config,
    ...deliveryFlags(v, config),
  });
}

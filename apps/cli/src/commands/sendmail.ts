/**
 * `sealpost sendmail`: a sendmail-compatible entry point (RFC 5322 message on stdin), so `mail`,
 * cron and scripts can send through sealpost with its policy. Like sendmail, -t takes the
 * recipients from To, Cc and Bcc, and the Bcc header is removed before anything is sent; like
 * sendmail it is silent on success and exits with sysexits.h codes (docs/cli.md).
 */

import { appendFile } from 'node:fs/promises';
import { loadConfig } from '@sealpost/config';
import { isSealpostError, quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { Command, CommandContext } from '../command.js';
import type { Output } from '../output.js';
import { deliver } from '../send/deliver.js';
import { readStdinSubmission } from '../send/stdin-submission.js';
import { sysexitFor } from '../send/sysexits.js';
import { DELIVERY_OPTIONS, deliveryFlags, list, startSubmission, str } from './send.js';

/** sendmail's -b modes: only -bm (deliver, the default) is what this command does. */
const REFUSED_MODES: Readonly<Record<string, string>> = {
  s: 'SMTP on standard input (-bs) is not offered: pipe the message itself, or use a submission server',
  p: 'there is no local queue to list (-bp): sealpost submits at once',
  d: 'sealpost runs no daemon (-bd)',
};

export const sendmailCommand: Command = {
  name: 'sendmail',
  summary: 'Read a message on stdin, like sendmail -t, and send it with the configured policy',
  usage:
    'sealpost sendmail [-t] [-i] [-f FROM] [-F NAME] [-v] [--log FILE] [-oX] [-B TYPE]\n' +
    '       [-N DSN] [send options] [--] [RECIPIENT...] < message.eml',
  description:
    'Reads an RFC 5322 message on standard input and sends it like "sendmail": -t takes the\n' +
    'recipients from the To, Cc and Bcc headers (Bcc is removed; each Bcc recipient gets a private\n' +
    'copy), RECIPIENT arguments are added as blind recipients unless named in To or Cc, and -f sets\n' +
    'the envelope sender. A bare name (root) is qualified with the "domain" setting, else the\n' +
    'domain of "from". Silent on success (-v prints the report, --log appends it to a file); exit\n' +
    'codes are sysexits.h values (64 usage, 65 data, 67 no user, 69 unavailable, 75 try later,\n' +
    '78 config). Encryption, signing and the server come from the config file\n' +
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
      description: 'Envelope sender (MAIL FROM); a bare name is qualified.',
    },
    'full-name': {
      type: 'string',
      short: 'F',
      valueName: 'NAME',
      description: 'Sender name for the From field added when the message has none.',
    },
    'sendmail-option': {
      type: 'string',
      short: 'o',
      multiple: true,
      valueName: 'OPT',
      description: 'sendmail -o options: accepted and ignored (-oi = -i, -oem).',
    },
    'body-type': {
      type: 'string',
      short: 'B',
      valueName: '7BIT|8BITMIME',
      description: 'Accepted and ignored: 8-bit text is labelled and encoded as needed.',
    },
    'dsn-notify': {
      type: 'string',
      short: 'N',
      valueName: 'DSN',
      description: 'Accepted and ignored: no delivery status notification is requested.',
    },
    'dsn-return': {
      type: 'string',
      short: 'R',
      valueName: 'full|hdrs',
      description: 'Accepted and ignored (DSN return content).',
    },
    'dsn-envid': {
      type: 'string',
      short: 'V',
      valueName: 'ENVID',
      description: 'Accepted and ignored (DSN envelope id).',
    },
    mode: {
      type: 'string',
      short: 'b',
      valueName: 'm',
      description: 'Only -bm (deliver) is offered; -bs, -bp, -bd and others are refused.',
    },
    queue: {
      type: 'boolean',
      short: 'q',
      description: 'Refused: sealpost keeps no local queue to run.',
    },
    verbose: {
      type: 'boolean',
      short: 'v',
      description: 'Print the decisions and the send report (silent otherwise).',
    },
    log: {
      type: 'string',
      valueName: 'FILE',
      description: 'Append the send report to FILE (for cron jobs).',
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
    {
      command: 'ln -s "$(command -v sealpost)" /usr/sbin/sendmail',
      says: 'cron then mails job output through sealpost (see docs/cli.md)',
    },
  ],
  async run(ctx) {
    return runSendmail(ctx);
  },
  exitCodeFor: sysexitFor,
};

function refuseModes(v: CommandContext['values']): void {
  const mode = str(v.mode);
  if (mode !== undefined && mode !== 'm') {
    const why =
      REFUSED_MODES[mode[0] ?? ''] ?? 'only -bm (deliver the message on stdin) is offered';
    throw new SealpostError('EUSAGE', `sendmail -b${quoteUntrusted(mode)}: ${why}.`);
  }
  if (v.queue === true)
    throw new SealpostError('EUSAGE', 'sendmail -q: sealpost keeps no local queue to run.');
}

/**
 * Output that remembers every line for --log and, unless verbose, keeps quiet: sendmail prints
 * nothing on success, and cron would mail anything printed back to the job's owner.
 */
function heldOutput(out: Output, held: string[], verbose: boolean): Output {
  return {
    ...out,
    print: (text) => {
      held.push(text);
      if (verbose) out.print(text);
    },
    note: (text) => {
      held.push(text);
      if (verbose) out.note(text);
    },
    progress: (text, done) => {
      if (verbose) out.progress(text, done);
    },
  };
}

const domainOf = (address: string | undefined) => {
  const at = address?.lastIndexOf('@') ?? -1;
  const domain = at > 0 ? address!.slice(at + 1).replace(/>.*$/, '') : undefined;
  return domain || undefined;
};

async function runSendmail(ctx: CommandContext): Promise<number> {
  const { values: v } = ctx;
  refuseModes(v);
  const config = loadConfig(ctx.cwd, ctx.env);
  const envelopeFrom = str(v['envelope-from']);
  const fullName = str(v['full-name']);
  const localDomain = config.domain ?? domainOf(config.from);
  // Large input: header section read strictly, the body streamed to prepareSend's spool (0105).
  const { SPOOL_THRESHOLD } = await import('@sealpost/pipeline');
  let submission: Awaited<ReturnType<typeof readStdinSubmission>>;
  try {
    submission = await readStdinSubmission(
      ctx.stdin,
      {
        recipientsFromHeaders: v.t === true,
        extraRecipients: list(ctx.positionals),
        ...(envelopeFrom ? { envelopeFrom } : {}),
        ...(config.from ? { defaultFrom: config.from } : {}),
        ...(fullName ? { fullName } : {}),
        ...(localDomain ? { localDomain } : {}),
      },
      SPOOL_THRESHOLD,
    );
  } catch (err) {
    // cron writes bare names (root); say which setting qualifies them.
    if (!localDomain && isSealpostError(err) && err.details?.reason === 'it has no "@"')
      throw new SealpostError(
        'EADDRESS',
        `${err.message} A bare name is qualified with the "domain" setting, else the domain of "from": set one (SEALPOST_DOMAIN).`,
        { details: err.details },
      );
    throw err;
  }
  if (submission.envelope.to.length === 0) {
    throw new SealpostError(
      'EUSAGE',
      'No recipients: give them as arguments or use -t to read To, Cc and Bcc.',
    );
  }
  const { policyFromChoices } = await import('@sealpost/pipeline');
  const policy = policyFromChoices({
    encrypt: str(v.encrypt) ?? config.encrypt,
    policy: str(v.policy) ?? config.policy,
    sign: str(v.sign) ?? config.sign,
  });
  const held: string[] = [];
  const verbose = v.verbose === true || ctx.out.json;
  const out = heldOutput(ctx.out, held, verbose);
  for (const change of submission.changes) out.note(`note: ${change}`);
  let code: number;
  // Opened once stdin is read (a slow pipe must not hold a session open), while the copies
  // are built (decision 0128).
  const session = startSubmission({ ...ctx, out }, v, config);
  try {
    code = await deliver(
      { ...ctx, out },
      {
        message: submission,
        policy,
        config,
        ...deliveryFlags(v, config),
        ...(session ? { submission: session } : {}),
      },
    );
  } finally {
    await session?.close();
  }
  const log = str(v.log);
  if (log) {
    const stamp = new Date().toISOString();
    const text = `${[`${stamp} sealpost sendmail`, ...held].join('\n')}\n\n`;
    await appendFile(log, text, { mode: 0o600 }).catch((cause) => {
      throw new SealpostError('EIO', `Cannot append to ${quoteUntrusted(log)}.`, { cause });
    });
  }
  return code;
}

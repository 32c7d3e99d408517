/** `sealpost send`: compose, apply the per-recipient policy, sign/encrypt, self-check, send, report. */

import { loadConfig, type SealpostConfig } from '@sealpost/config';
import { SealpostError } from '@sealpost/errors';
import type { Command, CommandContext, OptionSpec } from '../command.js';
import { deliver } from '../send/deliver.js';
import { messageFromFlags } from '../send/message-from-flags.js';
import { connectAhead, type SubmissionAhead } from '../send/submission-ahead.js';

export const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Policy, keys, transport and output flags, shared by `send` and `sendmail`. */
export const DELIVERY_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  encrypt: {
    type: 'string',
    valueName: 'pgp|smime|auto|none',
    description: 'End-to-end scheme (default auto: encrypt where a key exists).',
  },
  sign: {
    type: 'string',
    valueName: 'pgp|smime|none',
    description: 'Sign with --sign-key (default none).',
  },
  policy: {
    type: 'string',
    valueName: 'require|prefer',
    description: 'Missing key: refuse everything (require) or send TLS-only (prefer).',
  },
  key: {
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description: 'Recipient OpenPGP public key(s) or S/MIME certificate(s).',
  },
  discover: {
    type: 'boolean',
    description: 'Look up missing OpenPGP keys with WKD, then keys.openpgp.org (network).',
  },
  'vks-url': {
    type: 'string',
    valueName: 'URL',
    description: 'Key server for --discover (default https://keys.openpgp.org).',
  },
  'smime-compat': {
    type: 'boolean',
    description:
      'S/MIME for old clients (gpgsm 2.2): AES-256-CBC and RSA PKCS#1 v1.5 instead of AES-GCM and RSA-OAEP.',
  },
  anchor: {
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description:
      'Trust this CA for S/MIME certificates, recipients and --sign-key (this run only).',
  },
  keyring: {
    type: 'string',
    valueName: 'DIR',
    description: 'Keyring and certificate store directory.',
  },
  'sign-key': {
    type: 'string',
    valueName: 'FILE',
    description: 'Your OpenPGP secret key, PKCS#12 file, or PEM certificate + key.',
  },
  'passphrase-env': {
    type: 'string',
    valueName: 'VAR',
    description: 'Environment variable holding the signing key passphrase.',
  },
  'passphrase-file': {
    type: 'string',
    valueName: 'FILE',
    description: 'File holding the signing key passphrase.',
  },
  server: {
    type: 'string',
    valueName: 'HOST[:PORT]',
    description: 'Submission server; without a port: SRV, then 465, 587, 2525.',
  },
  tls: {
    type: 'string',
    valueName: 'auto|implicit|starttls',
    description: 'TLS mode (default: from the port).',
  },
  user: { type: 'string', valueName: 'USER', description: 'SMTP login (sent only inside TLS).' },
  'password-env': {
    type: 'string',
    valueName: 'VAR',
    description: 'Environment variable holding the SMTP password.',
  },
  'password-file': {
    type: 'string',
    valueName: 'FILE',
    description: 'File whose first line is the SMTP password (config: passwordCommand too).',
  },
  'encrypt-to-self': {
    type: 'boolean',
    description: 'Also encrypt to your own key (--from), so you can read what you sent.',
  },
  ca: {
    type: 'string',
    valueName: 'FILE',
    description: "Trust this CA (PEM) for the server's certificate.",
  },
  timeout: {
    type: 'string',
    valueName: 'MS',
    description: 'Connection and greeting timeout (default 15000).',
  },
  'dry-run': { type: 'boolean', description: 'Build, check and report, but do not connect.' },
  out: {
    type: 'string',
    valueName: 'FILE.eml',
    description: 'Write the exact bytes of each message (FILE.1.eml, … when several).',
  },
};

export const sendCommand: Command = {
  name: 'send',
  summary: 'Send a message, end-to-end encrypted where the policy and keys allow',
  usage:
    'sealpost send --from A --to B [--cc C] [--bcc D] --subject S [--text T | --text-file F]\n' +
    '       [--reply-to A] [--sender A] [--in-reply-to ID] [--references ID] [--date D] [--message-id ID]\n' +
    '       [--html-file F] [--attach F]... [--encrypt pgp|smime|auto|none] [--sign pgp|smime|none]\n' +
    '       [--policy require|prefer] [--key FILE]... [--sign-key FILE] [--passphrase-env VAR | --passphrase-file F]\n' +
    '       [--server HOST[:PORT]] [--tls auto|implicit|starttls] [--user U] [--password-env VAR | --password-file F] [--ca FILE]\n' +
    '       [--encrypt-to-self] [--dry-run] [--out FILE.eml] [--json]\n' +
    '       (without --text/--text-file/--html-file, a piped stdin is the body)',
  description:
    'Builds the message, decides per recipient whether it is encrypted (OpenPGP or S/MIME) from\n' +
    'the policy and the keys found (--key files, the keyring, the certificate store), signs it if\n' +
    'asked, checks every copy, and only then submits it over verified TLS (implicit TLS on 465\n' +
    'preferred, STARTTLS required on 587/2525). Bcc recipients each get a private copy. With\n' +
    '--encrypt pgp|smime a recipient without a usable key stops the whole send (exit 3, nothing\n' +
    'sent) unless --policy prefer. The report says who on the path can read what.',
  options: {
    from: { type: 'string', valueName: 'ADDRESS', description: 'Sender (From; also MAIL FROM).' },
    to: {
      type: 'string',
      multiple: true,
      valueName: 'ADDRESS',
      description: 'Recipient; repeat or give a comma-separated list.',
    },
    cc: { type: 'string', multiple: true, valueName: 'ADDRESS', description: 'Copy recipient.' },
    bcc: {
      type: 'string',
      multiple: true,
      valueName: 'ADDRESS',
      description: 'Blind copy: gets a private copy, never named to others.',
    },
    subject: {
      type: 'string',
      valueName: 'TEXT',
      description: 'Subject (hidden from servers as "[...]" when encrypted).',
    },
    text: { type: 'string', valueName: 'TEXT', description: 'Plain-text body.' },
    'text-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'Plain-text body from a file ("-" reads stdin).',
    },
    'html-file': { type: 'string', valueName: 'FILE', description: 'HTML body from a file.' },
    attach: { type: 'string', multiple: true, valueName: 'FILE', description: 'Attach a file.' },
    'reply-to': {
      type: 'string',
      multiple: true,
      valueName: 'ADDRESS',
      description: 'Reply-To (replies go there).',
    },
    sender: {
      type: 'string',
      valueName: 'ADDRESS',
      description: 'Sender field: who sent it on behalf of --from (RFC 5322 §3.6.2).',
    },
    'in-reply-to': {
      type: 'string',
      valueName: '<ID>',
      description: 'In-Reply-To: the Message-ID this answers.',
    },
    references: {
      type: 'string',
      multiple: true,
      valueName: '<ID>',
      description: 'References: Message-IDs of the thread (repeat or space-separated).',
    },
    date: {
      type: 'string',
      valueName: 'DATE',
      description: 'Date field (RFC 5322 or ISO 8601; default now).',
    },
    'message-id': {
      type: 'string',
      valueName: '<ID>',
      description: 'Message-ID (default generated).',
    },
    header: {
      type: 'string',
      multiple: true,
      valueName: '"NAME: VALUE"',
      description: 'Add a header field (stays readable by every server, even encrypted).',
    },
    ...DELIVERY_OPTIONS,
  },
  positionals: { min: 0, max: 0 },
  examples: [
    {
      command:
        'sealpost send --from me@example.org --to alice@example.net --subject Hi --text-file note.txt --encrypt pgp --key alice.asc --server smtp.example.org',
      says: 'encrypt to Alice with OpenPGP and submit (465 implicit TLS, else 587 STARTTLS)',
    },
    {
      command: 'SMTP_PW=… sealpost send … --user me --password-env SMTP_PW',
      says: 'log in; the password comes from the environment, never from the command line',
    },
    {
      command: 'sealpost send … --encrypt smime --key bob.pem --dry-run --out msg.eml',
      says: 'write exactly what would be sent, and the report, without connecting',
    },
  ],
  async run(ctx) {
    return runSend(ctx);
  },
};

async function runSend(ctx: CommandContext): Promise<number> {
  const { values: v } = ctx;
  const config = loadConfig(ctx.cwd, ctx.env);
  // The session is opened now, while the message is read and built (decision 0128).
  const submission = startSubmission(ctx, v, config);
  try {
    return await composeAndDeliver(ctx, config, submission);
  } finally {
    await submission?.close();
  }
}

/**
 * connectAhead right after flags and config are read. Flags that do not parse start nothing:
 * deliveryFlags raises their error later, in its usual order after the message's own errors.
 */
export function startSubmission(
  ctx: CommandContext,
  v: CommandContext['values'],
  config: SealpostConfig,
): SubmissionAhead | undefined {
  let flags: ReturnType<typeof deliveryFlags>;
  try {
    flags = deliveryFlags(v, config);
  } catch {
    return undefined;
  }
  return flags.dryRun ? undefined : connectAhead(ctx, flags);
}

async function composeAndDeliver(
  ctx: CommandContext,
  config: SealpostConfig,
  submission: SubmissionAhead | undefined,
): Promise<number> {
  const { values: v } = ctx;
  const { createMessage } = await import('@sealpost/compose');
  const message = createMessage(
    await messageFromFlags(
      {
        from: str(v.from) ?? config.from,
        to: list(v.to),
        cc: list(v.cc),
        bcc: list(v.bcc),
        subject: str(v.subject),
        text: str(v.text),
        textFile: str(v['text-file']),
        htmlFile: str(v['html-file']),
        attach: list(v.attach),
        header: list(v.header),
        replyTo: list(v['reply-to']),
        sender: str(v.sender),
        inReplyTo: str(v['in-reply-to']),
        references: list(v.references),
        date: str(v.date),
        messageId: str(v['message-id']),
      },
      () => ctx.stdin,
    ),
  );
  const { policyFromChoices } = await import('@sealpost/pipeline');
  const policy = policyFromChoices({
    encrypt: str(v.encrypt) ?? config.encrypt,
    policy: str(v.policy) ?? config.policy,
    sign: str(v.sign) ?? config.sign,
  });
  return deliver(ctx, {
    // prepareSend composes it 7-bit clean, as RFC 3156 §3 / RFC 8551 §3.1 require of signed content.
    message,
    policy,
    config,
    ...deliveryFlags(v, config),
    ...(submission ? { submission } : {}),
  });
}

/**
 * Where the SMTP password comes from: the flags (--password-env, --password-file) when either is
 * given, else the config's passwordEnv, passwordFile or passwordCommand; one source, never two.
 */
function passwordSource(
  v: CommandContext['values'],
  config: SealpostConfig,
): { passwordEnv?: string; passwordFile?: string; passwordCommand?: string } {
  const flags = { passwordEnv: str(v['password-env']), passwordFile: str(v['password-file']) };
  const layer = flags.passwordEnv || flags.passwordFile ? flags : config;
  const given = Object.entries({
    passwordEnv: layer.passwordEnv,
    passwordFile: layer.passwordFile,
    passwordCommand: 'passwordCommand' in layer ? layer.passwordCommand : undefined,
  }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  if (given.length > 1) {
    const names = given.map(([k]) => k).join(' and ');
    throw new SealpostError(
      layer === flags ? 'EUSAGE' : 'ECONFIG',
      `The SMTP password has two sources (${names}): keep one.`,
    );
  }
  return Object.fromEntries(given);
}

/** The flags `send` and `sendmail` share, with the config file and SEALPOST_* as defaults. */
export function deliveryFlags(v: CommandContext['values'], config: SealpostConfig) {
  const timeout = str(v.timeout);
  if (timeout !== undefined && !/^\d+$/.test(timeout))
    throw new SealpostError('EUSAGE', '--timeout wants milliseconds, e.g. 15000.');
  const pick = <T extends string | undefined>(flag: T, fallback: T) => flag ?? fallback;
  const opt = <K extends string>(key: K, value: string | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Record<K, string>);
  return {
    keyFiles: [...list(v.key), ...(config.keys ?? [])],
    anchors: list(v.anchor),
    discover: v.discover === true,
    smimeCompat: v['smime-compat'] === true,
    ...(str(v['vks-url']) ? { vksUrl: str(v['vks-url'])! } : {}),
    dryRun: v['dry-run'] === true,
    ...opt('keyring', pick(str(v.keyring), config.keyring)),
    ...opt('signKeyFile', pick(str(v['sign-key']), config.signKey)),
    ...opt('passphraseEnv', pick(str(v['passphrase-env']), config.passphraseEnv)),
    ...opt('passphraseFile', str(v['passphrase-file'])),
    ...opt('server', pick(str(v.server), config.server)),
    ...opt('tls', pick(str(v.tls), config.tls)),
    ...opt('user', pick(str(v.user), config.user)),
    ...passwordSource(v, config),
    ...(v['encrypt-to-self'] === true || config.encryptToSelf === true
      ? { encryptToSelf: true }
      : {}),
    ...opt('ca', pick(str(v.ca), config.ca)),
    ...opt('outFile', str(v.out)),
    ...(timeout ? { timeoutMs: Number(timeout) } : {}),
  };
}

/** Builds a compose MessageInput from `sealpost send` flags (files read here, at the edge). */
import { constants, fstatSync } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { MessageInput } from '@sealpost/compose';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { readAllOfStdin } from '../message-file.js';

export interface MessageFlags {
  readonly from?: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly subject?: string;
  readonly text?: string;
  readonly textFile?: string;
  readonly htmlFile?: string;
  readonly attach: readonly string[];
  readonly header: readonly string[];
  readonly replyTo?: readonly string[];
  readonly sender?: string | undefined;
  readonly inReplyTo?: string | undefined;
  readonly references?: readonly string[];
  readonly date?: string | undefined;
  readonly messageId?: string | undefined;
}

/** Fields with a flag of their own: --header refuses them and names the flag. */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  'reply-to': '--reply-to',
  sender: '--sender',
  'in-reply-to': '--in-reply-to',
  references: '--references',
  date: '--date',
  'message-id': '--message-id',
  from: '--from',
  to: '--to',
  cc: '--cc',
  bcc: '--bcc',
  subject: '--subject',
};

/**
 * Whether stdin brings a body: a pipe (a shell's FIFO, or the socket pair a parent process
 * spawns with) or a redirected file; not a terminal or a device like /dev/null.
 */
function pipedStdin(stdin: NodeJS.ReadableStream & { isTTY?: boolean; fd?: number }): boolean {
  if (stdin.isTTY) return false;
  // A stream on fd 0 is the process's stdin (runAsProcess reads a redirected file itself);
  // any other was given by a caller of main.
  if (stdin.fd !== 0 && stdin !== process.stdin) return true;
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isSocket() || stat.isFile();
  } catch {
    return false;
  }
}

/**
 * One rule for files named on the command line (--text-file, --html-file, --attach): missing
 * or unreadable is EIO (exit 2), before anything is built.
 */
async function assertReadable(path: string, what: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
    if (!(await stat(path)).isFile()) throw new Error('not a regular file');
  } catch (err) {
    throw new SealpostError('EIO', `Cannot read the ${what} ${quoteUntrusted(path)}.`, {
      cause: err,
    });
  }
}

/** --date: RFC 5322 (what `date -R` prints) or ISO 8601; EUSAGE otherwise. */
function parseDateFlag(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new SealpostError(
      'EUSAGE',
      `--date wants an RFC 5322 or ISO 8601 date, got ${quoteUntrusted(text)}.`,
    );
  return date;
}

/** --in-reply-to / --references: message ids "<a@b>", space-separated or repeated. */
function messageIds(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
}

async function readText(
  path: string,
  what: string,
  stdin: () => NodeJS.ReadableStream,
): Promise<string> {
  if (path === '-') return (await readAllOfStdin(stdin())).toString('utf8');
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new SealpostError('EIO', `Cannot read the ${what} ${quoteUntrusted(path)}.`, {
      cause: err,
    });
  }
}

/** "Name: value" → a header; the name and value are validated by compose. */
function parseHeaderFlag(flag: string): [string, string] {
  const colon = flag.indexOf(':');
  if (colon <= 0)
    throw new SealpostError('EUSAGE', `--header wants "Name: value", got ${quoteUntrusted(flag)}.`);
  const name = flag.slice(0, colon).trim();
  const own = FIELD_FLAGS[name.toLowerCase()];
  if (own)
    throw new SealpostError('EUSAGE', `--header ${quoteUntrusted(name)}: use ${own} instead.`);
  return [name, flag.slice(colon + 1).trim()];
}

/** `stdin` is asked for only when the body comes from it (making process.stdin takes ms). */
export async function messageFromFlags(
  flags: MessageFlags,
  stdin: () => NodeJS.ReadableStream,
): Promise<MessageInput> {
  if (!flags.from)
    throw new SealpostError(
      'EUSAGE',
      'Give the sender with --from ADDRESS (or "from" in the config file).',
    );
  if (flags.to.length + flags.cc.length + flags.bcc.length === 0)
    throw new SealpostError('EUSAGE', 'Give at least one recipient with --to, --cc or --bcc.');
  if (flags.text !== undefined && flags.textFile !== undefined)
    throw new SealpostError(
      'EUSAGE',
      'Give the body either with --text or with --text-file, not both.',
    );
  for (const path of flags.attach) await assertReadable(path, 'attachment');
  // No body flag and a pipe on stdin: the pipe is the body (`make 2>&1 | sealpost send …`).
  const noBody =
    flags.text === undefined && flags.textFile === undefined && flags.htmlFile === undefined;
  const textFile = noBody && pipedStdin(stdin()) ? '-' : flags.textFile;
  const text = textFile !== undefined ? await readText(textFile, 'text file', stdin) : flags.text;
  const html =
    flags.htmlFile !== undefined ? await readText(flags.htmlFile, 'HTML file', stdin) : undefined;
  const headers = flags.header.map(parseHeaderFlag).map(([name, value]) => ({ name, value }));
  // Threading fields (RFC 5322 §3.6.4): msg-ids only, checked here so a typo is not sent.
  const { checkMessageId } = await import('@sealpost/compose');
  if (flags.inReplyTo)
    headers.push({
      name: 'In-Reply-To',
      value: messageIds([flags.inReplyTo]).map(checkMessageId).join(' '),
    });
  if (flags.references?.length)
    headers.push({
      name: 'References',
      value: messageIds(flags.references).map(checkMessageId).join(' '),
    });
  return {
    from: flags.from,
    // Each flag may hold one address or a comma-separated list; compose parses them strictly.
    to: flags.to,
    cc: flags.cc,
    bcc: flags.bcc,
    ...(flags.subject !== undefined ? { subject: flags.subject } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(html !== undefined ? { html } : {}),
    attachments: flags.attach.map((path) => ({ path, filename: basename(path) })),
    ...(flags.replyTo?.length ? { replyTo: flags.replyTo } : {}),
    ...(flags.sender ? { sender: flags.sender } : {}),
    ...(flags.messageId ? { messageId: flags.messageId } : {}),
    ...(flags.date ? { date: parseDateFlag(flags.date) } : {}),
    ...(headers.length ? { headers } : {}),
  };
}

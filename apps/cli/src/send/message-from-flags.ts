/** Builds a compose MessageInput from `sealpost send` flags (files read here, at the edge). */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { MessageInput } from '@sealpost/compose';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

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
}

async function readText(path: string, what: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
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
  return [flag.slice(0, colon).trim(), flag.slice(colon + 1).trim()];
}

export async function messageFromFlags(
  flags: MessageFlags,
  stdin: NodeJS.ReadableStream,
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
  const text =
    flags.textFile !== undefined ? await readText(flags.textFile, 'text file', stdin) : flags.text;
  const html =
    flags.htmlFile !== undefined ? await readText(flags.htmlFile, 'HTML file', stdin) : undefined;
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
    ...(flags.header.length
      ? { headers: Object.fromEntries(flags.header.map(parseHeaderFlag)) }
      : {}),
  };
}

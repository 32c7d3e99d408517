/** `sealpost demo`: hop-by-hop TLS versus end-to-end encryption, shown on a real mail path. */
import { constants } from 'node:fs';
import { access, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { Command } from '../command.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Show who can read a message: transport TLS vs OpenPGP vs S/MIME, and an attacker',
  usage: 'sealpost demo [--keep DIR] [--html FILE] [--subject TEXT] [--json]',
  description:
    'Starts a submission server (implicit TLS and STARTTLS), a relay and a recipient mailbox on\n' +
    '127.0.0.1, with a throwaway CA, keys and certificates, and a recorder on every network link.\n' +
    'Sends the same message with an attachment three times — transport TLS only, PGP/MIME and\n' +
    'S/MIME (signed, encrypted, header-protected) — along three paths: verified TLS on every\n' +
    'hop; an attacker between the relay and the mailbox that strips STARTTLS while the relay\n' +
    'delivers the port-25 way (TLS only when offered); and the same attacker against an MTA-STS\n' +
    "policy in enforce mode (served by the demo's own DNS and HTTPS). Shows what each server,\n" +
    'each link and the attacker could read, with evidence from the stored copies and the\n' +
    'recorded bytes. Needs no network and leaves no process behind.',
  options: {
    keep: {
      type: 'string',
      valueName: 'DIR',
      description: 'Keep copies, recordings, throwaway keys and a README in DIR.',
    },
    html: {
      type: 'string',
      valueName: 'FILE',
      description: 'Also write a self-contained HTML page to FILE.',
    },
    subject: {
      type: 'string',
      valueName: 'TEXT',
      description:
        'Send this Subject instead of the default one (printable ASCII, ≤ 78 characters).',
    },
  },
  examples: [
    { command: 'sealpost demo', says: 'run it and read the table' },
    {
      command: 'sealpost demo --keep ./demo-out',
      says: 'then open ./demo-out/hops/relay/002.eml: what a relay stores of a PGP/MIME message',
    },
    {
      command: 'sealpost demo --json | jq ".cases[].evidence[1]"',
      says: 'what the submission server saw, per case',
    },
    {
      command: 'sealpost demo --json | jq ".attacks[0].cases[0].evidence[4].transcript"',
      says: 'the cleartext SMTP dialogue the attacker recorded',
    },
    { command: 'sealpost demo --html demo.html', says: 'a page to show in class' },
  ],
  async run({ values, out, cwd }) {
    // Loaded on use: the crypto and SMTP stacks would slow every other command's start.
    const [{ runDemo }, { renderDemo }, { renderDemoPage }] = await Promise.all([
      import('../demo/run-demo.js'),
      import('../demo/render-demo.js'),
      import('../demo/render-html.js'),
    ]);
    const subject = typeof values.subject === 'string' ? values.subject : undefined;
    if (subject !== undefined && !/^[\x20-\x7e]{1,78}$/.test(subject)) {
      throw new SealpostError(
        'EUSAGE',
        '--subject takes 1 to 78 printable ASCII characters (the demo searches the raw bytes for it).',
      );
    }
    const keep = typeof values.keep === 'string' ? resolve(cwd, values.keep) : undefined;
    if (keep) await prepareKeepDir(keep, values.keep as string);
    const html = typeof values.html === 'string' ? resolve(cwd, values.html) : undefined;
    // Checked before any server starts, like --keep: a run should not end in a failed write.
    if (html)
      await access(dirname(html), constants.W_OK).catch((cause) => {
        throw new SealpostError(
          'EIO',
          `Cannot write the page to ${quoteUntrusted(values.html as string)}: its directory is missing or not writable.`,
          { cause, details: { path: html } },
        );
      });
    const result = await runDemo({
      ...(keep ? { keep } : {}),
      ...(subject ? { subject } : {}),
      ...(out.json ? {} : { onStep: (t) => out.note(out.dim(t)) }),
    });
    if (html) {
      await writeFile(html, renderDemoPage(result)).catch((cause) => {
        throw new SealpostError(
          'EIO',
          `Cannot write the page to ${quoteUntrusted(values.html as string)}. Give a writable path.`,
          {
            cause,
            details: { path: html },
          },
        );
      });
    }
    out.result(result);
    out.print(renderDemo(result, out, terminalWidth()));
    if (html) out.note(`The page is in ${html}`);
    const all = [...result.cases, ...result.attacks.flatMap((a) => a.cases)];
    return all.some((c) => c.contradictions.length > 0) ? 1 : 0;
  },
};

/** COLUMNS, else the terminal's width, else 80 (a pipe or a file). */
function terminalWidth(): number {
  const fromEnv = Number.parseInt(process.env.COLUMNS ?? '', 10);
  const width =
    Number.isFinite(fromEnv) && fromEnv > 0
      ? fromEnv
      : process.stdout.isTTY && process.stdout.columns
        ? process.stdout.columns
        : 80;
  return Math.min(120, Math.max(60, width));
}

/**
 * --keep is checked before any server starts: it must be (or become) a directory we can write
 * into. Without this, a file or a read-only place failed deep inside the hops (EINTERNAL), and a
 * pseudo file system such as /proc could keep the demo waiting forever.
 */
async function prepareKeepDir(dir: string, given: string): Promise<void> {
  const refuse = (why: string, cause?: unknown) =>
    new SealpostError(
      'EIO',
      `Cannot keep the demo's files in ${quoteUntrusted(given)}: ${why}. Give a new or writable directory.`,
      { cause, details: { path: dir } },
    );
  try {
    await makeDirectory(dir);
  } catch (cause) {
    throw refuse('it cannot be created', cause);
  }
  const info = await stat(dir).catch((cause) => {
    throw refuse('it cannot be read', cause);
  });
  if (!info.isDirectory()) throw refuse('it is not a directory');
  const probe = join(dir, `.sealpost-keep-${process.pid}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
    await rm(probe);
  } catch (cause) {
    throw refuse('it is not writable', cause);
  }
}

/**
 * mkdir -p without Node's `recursive: true`, which retries forever where mkdir answers ENOENT
 * although the parent exists (on /proc, for one).
 */
async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    await makeDirectory(parent);
    await mkdir(dir).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

/** `sealpost demo`: hop-by-hop TLS versus end-to-end encryption, shown on a real mail path. */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { Command } from '../command.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Show who can read a message: transport TLS vs OpenPGP vs S/MIME',
  usage: 'sealpost demo [--keep DIR] [--json]',
  description:
    'Starts a submission server (implicit TLS and STARTTLS), a relay and a recipient mailbox on\n' +
    '127.0.0.1, with a throwaway CA, keys and certificates, and a recorder on every network link.\n' +
    'Sends the same message with an attachment three times — transport TLS only, PGP/MIME and\n' +
    'S/MIME (signed, encrypted, header-protected) — and shows what each server and each link\n' +
    'could read, with evidence from the stored copies and the recorded bytes. Needs no network\n' +
    'and leaves no process behind.',
  options: {
    keep: {
      type: 'string',
      valueName: 'DIR',
      description: 'Keep every stored copy and link recording in DIR.',
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
  ],
  async run({ values, out, cwd }) {
    // Loaded on use: the crypto and SMTP stacks would slow every other command's start.
    const [{ runDemo }, { renderDemo }] = await Promise.all([
      import('../demo/run-demo.js'),
      import('../demo/render-demo.js'),
    ]);
    const keep = typeof values.keep === 'string' ? resolve(cwd, values.keep) : undefined;
    if (keep) await prepareKeepDir(keep, values.keep as string);
    const result = await runDemo({
      ...(keep ? { keep } : {}),
      ...(out.json ? {} : { onStep: (t) => out.note(out.dim(t)) }),
    });
    out.result(result);
    out.print(renderDemo(result, out));
    return result.cases.some((c) => c.contradictions.length > 0) ? 1 : 0;
  },
};

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

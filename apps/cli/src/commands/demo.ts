/** `sealpost demo`: hop-by-hop TLS versus end-to-end encryption, shown on a real mail path. */
import { resolve } from 'node:path';
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
    const result = await runDemo({
      ...(keep ? { keep } : {}),
      ...(out.json ? {} : { onStep: (t) => out.note(out.dim(t)) }),
    });
    out.result(result);
    out.print(renderDemo(result, out));
    return result.cases.some((c) => c.contradictions.length > 0) ? 1 : 0;
  },
};

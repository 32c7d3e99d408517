/** `sealpost inspect FILE.eml`: how a message is built and protected, and who can read what. */
import type { Command } from '../command.js';
import { readMessageFile } from '../message-file.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Show how a message file is built, signed and encrypted, and who can read what',
  usage: 'sealpost inspect FILE.eml|- [--json]',
  description:
    'Reads a message from disk and shows what anyone holding it can tell without a key: its\n' +
    'MIME structure (types, sizes, file names), whether it is signed and/or encrypted and how\n' +
    '(PGP/MIME, S/MIME enveloped or signed, inline PGP), the recipient key IDs of an OpenPGP\n' +
    'message and the RecipientInfo identifiers (issuer + serial, or key identifier) of an S/MIME\n' +
    'one, whether the headers look protected (RFC 9788), and the table of who on the path can\n' +
    'read which part. Nothing is decrypted or verified: use "sealpost decrypt" / "verify".\n' +
    'FILE.eml may be - to read the message from standard input (a pipe or a redirected file).',
  options: {},
  positionals: { min: 1, max: 1 },
  examples: [
    { command: 'sealpost inspect sent.eml', says: 'structure, protection and the exposure table' },
    {
      command: 'sealpost inspect sent.eml --json | jq .encryption.pgp.recipients',
      says: 'the key IDs the message is encrypted to',
    },
  ],
  async run(ctx) {
    const { positionals, out, cwd } = ctx;
    const file = positionals[0]!;
    const bytes = await readMessageFile(cwd, file, () => ctx.stdin);
    const [{ inspectMessage }, { renderInspection }] = await Promise.all([
      import('@sealpost/pipeline/recipient'),
      import('../inspect/render-inspection.js'),
    ]);
    const inspection = await inspectMessage(bytes);
    out.result({ file, ...inspection });
    out.print(renderInspection(file, inspection, out));
    return 0;
  },
};

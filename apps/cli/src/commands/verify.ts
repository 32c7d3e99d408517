/** `sealpost verify FILE.eml`: check a PGP/MIME, S/MIME or inline PGP signature on a message. */
import type { Command, CommandContext } from '../command.js';
import {
  assertSignatures,
  assertSigned,
  emitOpened,
  largeMessageFile,
  loadKeys,
  messageBytes,
  OPEN_OPTIONS,
  OPENING_IN_NODE,
  stringList,
} from '../open/open-command.js';
import { releaseStdinMessage } from '../open/stdin-message.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Check the signature of a signed PGP/MIME, S/MIME or inline PGP message',
  usage: 'sealpost verify FILE.eml|- [--key FILE]... [--anchor FILE]... [--out FILE] [--json]',
  description:
    "Checks the signature of a signed (not encrypted) message: against the signer's OpenPGP\n" +
    'public key (--key) for PGP/MIME, or, for S/MIME, the certificate carried in the message\n' +
    'against the CA you trust (--anchor), which must also name the From address. Shows each\n' +
    'signature (valid, invalid, unknown key), the signed header fields (RFC 9788 hp="clear")\n' +
    'and the message. Exits 0 only when a signature is valid and none is invalid: 5 with\n' +
    'ESIGNATURE_INVALID when one does not verify, 5 with ESIGNATURE_UNVERIFIED when no given\n' +
    'key or CA vouches for the signer. For an encrypted message use "sealpost decrypt".\n' +
    'Inline PGP (a cleartext-signed block in a text part): only the signed text is shown;\n' +
    'text around it, other parts and the header fields are not covered.\n' +
    'A message over 1 MiB is checked as a stream; over 8 MiB its body is not printed\n' +
    '(--out FILE writes it).\n' +
    'FILE.eml may be - to read the message from standard input (a pipe or a redirected file).',
  options: {
    key: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: "The signer's OpenPGP public key (repeatable).",
    },
    ...OPEN_OPTIONS,
  },
  positionals: { min: 1, max: 1 },
  examples: [
    { command: 'sealpost verify signed.eml --key alice.asc', says: '"valid — <fingerprint>"' },
    {
      command: 'sealpost verify signed.eml --anchor company-ca.pem --json',
      says: 'S/MIME: the signer certificate checked against your CA, as JSON',
    },
  ],
  async run(ctx) {
    try {
      return await verifyMessage(ctx);
    } finally {
      // A large message piped on stdin went to a private spool file: removed now.
      await releaseStdinMessage(ctx);
    }
  },
};

async function verifyMessage(ctx: CommandContext): Promise<number> {
  const recipient = await import('@sealpost/pipeline/recipient');
  const large = await largeMessageFile(ctx, recipient);
  if (large) return (await import('../open/open-large.js')).verifyLarge(ctx, recipient, large);
  const [bytes, keys] = await Promise.all([
    messageBytes(ctx),
    loadKeys(ctx, { verificationKeyFiles: stringList(ctx.values.key) }),
  ]);
  assertSigned(await recipient.findMessageProtection(bytes));
  const opened = await recipient.openMessage(bytes, keys, OPENING_IN_NODE);
  assertSignatures(opened, true);
  await emitOpened(ctx, opened);
  return 0;
}

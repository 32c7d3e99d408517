/** `sealpost decrypt FILE.eml --key FILE`: the recipient side, PGP/MIME, S/MIME or inline PGP. */
import { SealpostError } from '@sealpost/errors';
import type { Command, CommandContext } from '../command.js';
import {
  assertEncrypted,
  assertIntegrity,
  assertKeyFor,
  assertSignatures,
  emitOpened,
  largeMessageFile,
  loadKeys,
  messageBytes,
  OPEN_OPTIONS,
  OPENING_IN_NODE,
  passphraseReader,
  stringList,
} from '../open/open-command.js';
import { releaseStdinMessage } from '../open/stdin-message.js';

export const decryptCommand: Command = {
  name: 'decrypt',
  summary: 'Decrypt a PGP/MIME, S/MIME or inline PGP message and check the signatures inside',
  usage:
    'sealpost decrypt FILE.eml|- --key FILE [--passphrase-env VAR | --passphrase-file F] [--verify-key FILE]... [--anchor FILE]... [--out FILE] [--json]',
  description:
    'Decrypts a message with your private key: an OpenPGP secret key for PGP/MIME, or your\n' +
    'S/MIME private key with its certificate (a PEM file holding both, two PEM files, or a\n' +
    'PKCS#12 .p12 file) for S/MIME. Shows the protected header fields (with RFC 9788 header\n' +
    'protection they are the real ones; the outer Subject may just be "[...]"), every\n' +
    'signature inside with its status (valid, invalid, unknown key) and the inner message.\n' +
    'Passphrases come from --passphrase-env, --passphrase-file or a prompt, never argv.\n' +
    'An invalid signature or altered ciphertext exits 5 and shows nothing of the content.\n' +
    'Inline PGP (an armored block in a text part): only the block is decrypted and shown.\n' +
    'What is printed is made terminal-safe; --out FILE gets the exact bytes.\n' +
    'S/MIME EnvelopedData (CBC) has no integrity check: without a valid signature inside it\n' +
    'may have been altered (EFAIL); --require-integrity then exits 5 (EINTEGRITY_MISSING).\n' +
    'A message over 1 MiB is decrypted as a stream into a private temporary file, shown or\n' +
    'written only once every check passed; over 8 MiB it needs --out FILE (EOUT_REQUIRED).\n' +
    'FILE.eml may be - to read the message from standard input (a pipe or a redirected file).',
  options: {
    key: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description:
        'Your OpenPGP secret key, or S/MIME key + certificate (PEM) or PKCS#12 file (repeatable).',
    },
    'passphrase-env': {
      type: 'string',
      valueName: 'VAR',
      description: 'Read the key (or PKCS#12) passphrase from this environment variable.',
    },
    'passphrase-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'Read the key (or PKCS#12) passphrase from the first line of FILE.',
    },
    'verify-key': {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: "The sender's OpenPGP public key, to check a signature inside (repeatable).",
    },
    'require-integrity': {
      type: 'boolean',
      description:
        'Exit 5 (EINTEGRITY_MISSING) when the content has no integrity protection: CBC without a valid signature.',
    },
    ...OPEN_OPTIONS,
  },
  positionals: { min: 1, max: 1 },
  examples: [
    {
      command: 'sealpost decrypt mail.eml --key bob.sec.asc --verify-key alice.asc',
      says: 'PGP/MIME: the real Subject, "valid — <Alice\'s fingerprint>" and the message',
    },
    {
      command:
        'SP_PASS=… sealpost decrypt mail.eml --key bob.p12 --passphrase-env SP_PASS --anchor ca.pem',
      says: 'S/MIME with a PKCS#12 file; the signer is checked against ca.pem',
    },
    {
      command: 'sealpost decrypt mail.eml --key bob.pem --out inner.eml --json',
      says: 'writes the decrypted message to inner.eml and prints the facts as JSON',
    },
  ],
  async run(ctx) {
    try {
      return await decryptMessage(ctx);
    } finally {
      // A large message piped on stdin went to a private spool file: removed now.
      await releaseStdinMessage(ctx);
    }
  },
};

async function decryptMessage(ctx: CommandContext): Promise<number> {
  const keyNames = stringList(ctx.values.key);
  if (keyNames.length === 0) {
    throw new SealpostError('EUSAGE', 'decrypt needs your private key: --key FILE.');
  }
  const recipient = await import('@sealpost/pipeline/recipient');
  const large = await largeMessageFile(ctx, recipient);
  if (large) return (await import('../open/open-large.js')).decryptLarge(ctx, recipient, large);
  const passphrase = passphraseReader(ctx);
  const bytes = await messageBytes(ctx);
  // Before any key is unlocked: a message that is not encrypted needs no passphrase.
  const layer = await recipient.findMessageProtection(bytes);
  assertEncrypted(layer);
  const keys = await loadKeys(ctx, {
    decryptionKeyFiles: keyNames,
    verificationKeyFiles: stringList(ctx.values['verify-key']),
    passphrase,
  });
  assertKeyFor(layer, keys);
  const opened = await recipient.openMessage(bytes, keys, OPENING_IN_NODE);
  assertSignatures(opened, false);
  if (ctx.values['require-integrity'] === true) {
    assertIntegrity(opened, recipient.contentMalleable(opened));
  }
  await emitOpened(ctx, opened);
  return 0;
}

/** What `decrypt` and `verify` share: flags, reading keys, exit-code policy, writing the result. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ProtectionLayer } from '@sealpost/compose';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { LoadOpenKeysInput, OpenKeys } from '@sealpost/keystore';
import type { OpenedMessage, OpenedMessageFile, OpenOptions } from '@sealpost/pipeline/recipient';
import type { CommandContext, OptionSpec } from '../command.js';
import { keyringPaths } from '../keystore/keyring-dir.js';
import { messageFileSize, readMessageFile, reopenablePath } from '../message-file.js';
import { readSecret } from '../secrets.js';
import { takeStdinMessage } from './stdin-message.js';

export const OPEN_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  anchor: {
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description:
      'Trust this CA certificate (PEM/DER) as an anchor for S/MIME signers (repeatable), as in "send --anchor".',
  },
  ca: {
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description: 'Same as --anchor here (there is no server to connect to).',
  },
  out: {
    type: 'string',
    valueName: 'FILE',
    description: 'Write the inner message to FILE instead of printing it.',
  },
  keyring: {
    type: 'string',
    valueName: 'DIR',
    description: 'Keyring whose OpenPGP keys and S/MIME anchors are trusted too (default: yours).',
  },
};

/**
 * Node's raw RSA operation for OpenPGP RSA session keys (decision 0131) and S/MIME PKCS#1 v1.5
 * key transport (decision 0041), from @sealpost/keystore (loaded for the keys already); the
 * ciphers Web Crypto lacks from @sealpost/smime/node, loaded only when a message uses one.
 */
export const OPENING_IN_NODE: OpenOptions = {
  rsaRawDecrypt: async (privateKeyPkcs8, ciphertext) =>
    (await import('@sealpost/keystore')).rsaRawDecrypt(privateKeyPkcs8, ciphertext),
  contentDecrypt: async (request) => (await import('@sealpost/smime/node')).contentDecrypt(request),
};

/**
 * The keys for decrypt/verify from the keystore: the given files (read by its one key
 * reader), plus what the user's keyring vouches for (--keyring, config, XDG; read-only).
 */
export async function loadKeys(
  ctx: CommandContext,
  files: Pick<LoadOpenKeysInput, 'decryptionKeyFiles' | 'verificationKeyFiles' | 'passphrase'>,
): Promise<OpenKeys> {
  const { loadOpenKeys } = await import('@sealpost/keystore');
  return loadOpenKeys({
    ...files,
    anchorFiles: anchorFiles(ctx.values),
    dataDir: keyringPaths(ctx).root,
    onSkippedKey: (fingerprint, err) =>
      ctx.out.note(`note: skipping keyring entry ${fingerprint}: ${err.message}`),
    onWarning: (file, warning) => ctx.out.note(`note: ${quoteUntrusted(file)}: ${warning}`),
    cwd: ctx.cwd,
  });
}

/** --anchor and --ca: both name S/MIME trust anchors in decrypt/verify (decision 0058). */
export function anchorFiles(values: CommandContext['values']): string[] {
  return [...stringList(values.anchor), ...stringList(values.ca)];
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

export function passphraseReader(ctx: CommandContext): () => Promise<string | undefined> {
  let cached: Promise<string | undefined> | undefined;
  const env = ctx.values['passphrase-env'] as string | undefined;
  const file = ctx.values['passphrase-file'] as string | undefined;
  if (env !== undefined && file !== undefined) {
    throw new SealpostError(
      'EUSAGE',
      'Give either --passphrase-env or --passphrase-file, not both.',
    );
  }
  return () => {
    cached ??= readSecret(
      {
        ...(env !== undefined ? { env } : {}),
        ...(file !== undefined ? { file: resolve(ctx.cwd, file) } : {}),
        prompt: 'Passphrase for the key: ',
      },
      { env: ctx.env, stdin: ctx.stdin },
      'key passphrase',
    );
    return cached;
  };
}

export async function messageBytes(ctx: CommandContext): Promise<Uint8Array> {
  if (ctx.positionals[0] === '-' && reopenablePath(ctx.cwd, '-', () => ctx.stdin) === undefined) {
    // Read once per run: largeMessageFile, which decrypt and verify ask first, already did.
    const message = await takeStdinMessage(ctx, await import('@sealpost/pipeline/recipient'));
    if ('bytes' in message) return message.bytes;
    return readMessageFile(ctx.cwd, message.path, () => ctx.stdin);
  }
  return readMessageFile(ctx.cwd, ctx.positionals[0]!, () => ctx.stdin);
}

/**
 * The message file when it is above the streamed-open threshold (1 MiB, decision 0142) and of
 * a layer the pipeline opens streamed (open-large.ts); undefined: read it into memory as
 * before. Only a stat for a small message: the streamed path's modules are loaded only for a
 * larger one. Up to 8 MiB a header the streamed reader refuses is left to the in-memory path.
 */
export async function largeMessageFile(
  ctx: CommandContext,
  recipient: typeof import('@sealpost/pipeline/recipient'),
): Promise<import('./open-large.js').LargeMessageFile | undefined> {
  let path = reopenablePath(ctx.cwd, ctx.positionals[0]!, () => ctx.stdin);
  if (path === undefined) {
    // `-` from a pipe or a socket: a large message goes to a private spool file first.
    const message = await takeStdinMessage(ctx, recipient);
    if ('bytes' in message) return undefined;
    path = message.path;
  }
  const size = await messageFileSize(path);
  if (size === undefined || size <= recipient.STREAMED_OPEN_THRESHOLD) return undefined;
  try {
    const layer = await recipient.streamedProtection(path);
    return layer ? { path, size, layer } : undefined;
  } catch (error) {
    if (size > recipient.LARGE_MESSAGE_THRESHOLD) throw error;
    return undefined;
  }
}

/** Prints or writes the opened message; --out never overwrites an existing file silently. */
export async function emitOpened(ctx: CommandContext, opened: OpenedMessage): Promise<void> {
  const outFile = ctx.values.out as string | undefined;
  if (outFile !== undefined) {
    try {
      await writeFile(resolve(ctx.cwd, outFile), opened.message, { flag: 'wx', mode: 0o600 });
    } catch (cause) {
      throw new SealpostError(
        'EIO',
        `Cannot write ${quoteUntrusted(outFile)} (it must not exist yet).`,
        { cause },
      );
    }
  }
  await emitOpenedFacts(ctx, opened, outFile ?? null);
}

/** Prints what was found (human or JSON), the verdict line last; writes nothing. */
export async function emitOpenedFacts(
  ctx: CommandContext,
  opened: OpenedMessage | OpenedMessageFile,
  outFile: string | null,
): Promise<void> {
  const { openedJson, renderOpened, verdictLine } = await import('./render-opened.js');
  // Only S/MIME names CMS algorithms, and then @sealpost/smime is loaded already.
  const algorithmName = opened.encryption
    ? (await import('@sealpost/smime')).algorithmName
    : (oid: string) => oid;
  ctx.out.result(openedJson(opened, outFile));
  ctx.out.print(renderOpened(opened, outFile, ctx.out, algorithmName));
  // Last, and on stderr: nothing the message says is printed after the verdict (decision 0090).
  if (!ctx.out.json) ctx.out.note(verdictLine(opened));
}

/**
 * emitOpenedFacts for an inner message read back from its authenticated file (decision
 * 0142): the same output as with `opened.message` holding `body`, printed in pieces as the
 * file is read, so the body is never in memory whole (nor as a string and its copies).
 */
export async function emitOpenedPieces(
  ctx: CommandContext,
  opened: OpenedMessage,
  body: AsyncIterable<Uint8Array>,
): Promise<void> {
  const render = await import('./render-opened.js');
  const { jsonStringPieces, terminalTextPieces } = await import('../text/text-pieces.js');
  if (ctx.out.json) {
    const [before, after] = render.openedJsonAround(opened);
    await ctx.out.write(before);
    for await (const piece of jsonStringPieces(body)) await ctx.out.write(piece);
    await ctx.out.write(`${after}\n`);
    return;
  }
  const algorithmName = opened.encryption
    ? (await import('@sealpost/smime')).algorithmName
    : (oid: string) => oid;
  await ctx.out.write(`${render.renderOpenedHead(opened, ctx.out, algorithmName)}\n`);
  for await (const piece of terminalTextPieces(body)) await ctx.out.write(piece);
  await ctx.out.write('\n');
  ctx.out.note(render.verdictLine(opened));
}

/** decrypt --require-integrity: EINTEGRITY_MISSING for malleable content (CBC, no valid signature). */
export function assertIntegrity(
  opened: Pick<OpenedMessage, 'integrity' | 'signatures'>,
  contentMalleable: boolean,
): void {
  if (!contentMalleable) return;
  throw new SealpostError(
    'EINTEGRITY_MISSING',
    'The content has no integrity protection (S/MIME EnvelopedData, CBC) and no valid signature: it may have been altered (EFAIL); nothing of it is shown.',
    { details: { integrity: opened.integrity, signatures: opened.signatures } },
  );
}

/** "user IDs: …" of the first signer that has any, for an error line; '' when none. */
function userIdsText(signatures: OpenedMessage['signatures']): string {
  const withIds = signatures.find((s) => s.userIds.length > 0);
  return withIds
    ? ` The signing key's user IDs: ${withIds.userIds.map((u) => quoteUntrusted(u)).join(', ')}.`
    : '';
}

/** Exit-code policy (docs/decisions/0055): an invalid signature is never shown as content. */
export function assertSignatures(
  opened: Pick<OpenedMessage, 'signatures' | 'scheme'>,
  requireValid: boolean,
): void {
  const invalid = opened.signatures.filter((s) => s.status === 'invalid');
  if (invalid.length > 0) {
    const first = invalid[0]!;
    throw new SealpostError(
      'ESIGNATURE_INVALID',
      `${invalid.length} signature(s) on the message do not verify${first.signer ? ` (signer ${quoteUntrusted(first.signer)})` : ''}: ${(first.reason ?? 'the content or the signature was changed').replace(/\.$/, '')}${first.code ? ` [${first.code}]` : ''}.${userIdsText(invalid)}`,
      { details: { signatures: opened.signatures } },
    );
  }
  if (requireValid && !opened.signatures.some((s) => s.status === 'valid')) {
    throw new SealpostError(
      'ESIGNATURE_UNVERIFIED',
      opened.scheme === 'pgp'
        ? `The signature was made by key ${opened.signatures[0]?.keyId ?? '(unknown)'}, which is not among the keys given with --key.`
        : `The signer certificate ${quoteUntrusted(opened.signatures[0]?.signer ?? '')} does not chain to a CA given with --anchor.`,
      { details: { signatures: opened.signatures } },
    );
  }
}

/** ENOT_PROTECTED unless the message is PGP/MIME, S/MIME or inline-PGP encrypted; checked before any key is read. */
export function assertEncrypted(layer: ProtectionLayer | null): asserts layer is ProtectionLayer {
  if (layer?.kind !== 'encrypted') {
    throw new SealpostError(
      'ENOT_PROTECTED',
      layer?.kind === 'signed'
        ? 'The message is signed but not encrypted: use "sealpost verify".'
        : 'The message is not encrypted with PGP/MIME, S/MIME or inline PGP.',
    );
  }
}

/** ENOT_PROTECTED unless the message is PGP/MIME, S/MIME or inline-PGP signed (and not encrypted). */
export function assertSigned(layer: ProtectionLayer | null): asserts layer is ProtectionLayer {
  if (layer?.kind !== 'signed') {
    throw new SealpostError(
      'ENOT_PROTECTED',
      layer?.kind === 'encrypted'
        ? 'The message is encrypted: "sealpost decrypt" decrypts it and checks the signature inside.'
        : 'The message is not signed with PGP/MIME, S/MIME or inline PGP.',
    );
  }
}

/** EUSAGE naming the flag when --key gave no key of the kind the message needs. */
export function assertKeyFor(layer: ProtectionLayer, keys: OpenKeys): void {
  if (layer.scheme === 'pgp' && keys.pgpPrivateKeys.length === 0) {
    throw new SealpostError(
      'EUSAGE',
      'This is a PGP/MIME message: give your OpenPGP secret key with --key FILE.',
    );
  }
  if (layer.scheme === 'smime' && keys.smimeIdentities.length === 0) {
    throw new SealpostError(
      'EUSAGE',
      'This is an S/MIME message: give your private key and certificate (PEM) or PKCS#12 file with --key FILE.',
    );
  }
}

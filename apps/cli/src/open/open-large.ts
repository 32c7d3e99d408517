/**
 * decrypt / verify of a message above the streamed-open threshold (issue 12), loaded only
 * then: the pipeline opens it from its file in constant memory, and the inner message leaves
 * the private temporary file only after every check passed (docs/decisions/0121–0123, 0142).
 * Over 8 MiB it is never printed; up to 8 MiB what is printed is what the in-memory path
 * prints, and what the streamed path refuses is opened in memory as before.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProtectionLayer } from '@sealpost/compose';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { OpenKeys } from '@sealpost/keystore';
import type { OpenedMessage, OpenedMessageFile } from '@sealpost/pipeline/recipient';
import type { CommandContext } from '../command.js';
import {
  assertEncrypted,
  assertIntegrity,
  assertKeyFor,
  assertSignatures,
  assertSigned,
  emitOpened,
  emitOpenedFacts,
  emitOpenedPieces,
  loadKeys,
  messageBytes,
  OPENING_IN_NODE,
  passphraseReader,
  stringList,
} from './open-command.js';

type Recipient = typeof import('@sealpost/pipeline/recipient');

/** A message file opened streamed and its layer, as streamedProtection found it. */
export interface LargeMessageFile {
  readonly path: string;
  readonly size: number;
  readonly layer: ProtectionLayer;
}

const mebibytes = (size: number) => `${(size / 1024 / 1024).toFixed(1)} MiB`;

/** Over 8 MiB: never printed, and what streaming refuses is the answer (decision 0123). */
const tooLargeToPrint = (recipient: Recipient, message: LargeMessageFile) =>
  message.size > recipient.LARGE_MESSAGE_THRESHOLD;

/** --out, checked before any key is read: decrypt needs it, and it must not exist yet. */
function outFile(ctx: CommandContext, message: LargeMessageFile, required: boolean) {
  const out = ctx.values.out as string | undefined;
  if (out === undefined && required) {
    throw new SealpostError(
      'EOUT_REQUIRED',
      `The message is ${mebibytes(message.size)}, too large to print: give --out FILE to write the decrypted message to a new file.`,
    );
  }
  if (out !== undefined && existsSync(resolve(ctx.cwd, out))) {
    throw new SealpostError('EIO', `Cannot write ${quoteUntrusted(out)} (it must not exist yet).`);
  }
  return out;
}

/** `sealpost decrypt` of a message opened streamed. */
export async function decryptLarge(
  ctx: CommandContext,
  recipient: Recipient,
  message: LargeMessageFile,
): Promise<number> {
  // In the in-memory path's order: two passphrase sources are refused first.
  const passphrase = passphraseReader(ctx);
  assertEncrypted(message.layer);
  outFile(ctx, message, tooLargeToPrint(recipient, message));
  const keys = await loadKeys(ctx, {
    decryptionKeyFiles: stringList(ctx.values.key),
    verificationKeyFiles: stringList(ctx.values['verify-key']),
    passphrase,
  });
  assertKeyFor(message.layer, keys);
  return openLarge(ctx, recipient, message, keys, (opened) => {
    assertSignatures(opened, false);
    if (ctx.values['require-integrity'] === true) {
      assertIntegrity(opened, recipient.contentMalleable(opened));
    }
  });
}

/** `sealpost verify` of a message opened streamed: over 8 MiB no body without --out. */
export async function verifyLarge(
  ctx: CommandContext,
  recipient: Recipient,
  message: LargeMessageFile,
): Promise<number> {
  assertSigned(message.layer);
  outFile(ctx, message, false);
  const keys = await loadKeys(ctx, { verificationKeyFiles: stringList(ctx.values.key) });
  return openLarge(ctx, recipient, message, keys, (opened) => assertSignatures(opened, true));
}

/**
 * The in-memory path's result for the facts of a streamed one, so that the checks and what
 * is printed are the ones `openMessage` gives. `message` is empty: with --out nothing reads
 * it, and a printed body comes from the file (emitOpenedPieces).
 */
function inMemoryShape(opened: OpenedMessageFile): OpenedMessage {
  const {
    messageSize: _size,
    release: _release,
    readMessage: _read,
    dispose: _dispose,
    ...facts
  } = opened;
  return { ...facts, message: new Uint8Array(0) };
}

async function openLarge(
  ctx: CommandContext,
  recipient: Recipient,
  message: LargeMessageFile,
  keys: OpenKeys,
  check: (opened: OpenedMessage) => void,
): Promise<number> {
  const out = ctx.values.out as string | undefined;
  const large = tooLargeToPrint(recipient, message);
  let opened: OpenedMessageFile;
  try {
    // Over 8 MiB without --out nothing is released: only the inner message's size is computed.
    opened = await recipient.openMessageFile(message.path, keys, {
      ...OPENING_IN_NODE,
      keepMessage: out !== undefined || !large,
    });
  } catch (error) {
    if (large || !recipient.streamedRefusal(error)) throw error;
    // Up to 8 MiB a refusal of the streamed path is not the answer: the in-memory path is.
    const inMemory = await recipient.openMessage(await messageBytes(ctx), keys, OPENING_IN_NODE);
    check(inMemory);
    await emitOpened(ctx, inMemory);
    return 0;
  }
  try {
    // The verdicts first: a message that fails them is never released, read or printed.
    check(inMemoryShape(opened));
    if (out !== undefined) {
      try {
        await opened.release(resolve(ctx.cwd, out));
      } catch (cause) {
        throw new SealpostError(
          'EIO',
          `Cannot write ${quoteUntrusted(out)} (it must not exist yet).`,
          { cause },
        );
      }
    }
    if (large) await emitOpenedFacts(ctx, opened, out ?? null);
    else if (out !== undefined) await emitOpenedFacts(ctx, inMemoryShape(opened), out);
    // Printed as the in-memory path prints it, from the authenticated file (decision 0142).
    else await emitOpenedPieces(ctx, inMemoryShape(opened), opened.readMessage());
  } finally {
    await opened.dispose();
  }
  return 0;
}

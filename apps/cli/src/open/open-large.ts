/**
 * decrypt / verify of a message above the large-message threshold (issue 12), loaded only
 * then: the pipeline opens it from its file in constant memory, and the inner message goes
 * to --out only after every check passed (docs/decisions/0121–0123). It is never printed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProtectionLayer } from '@sealpost/compose';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { OpenKeys } from '@sealpost/keystore';
import type { OpenedMessageFile } from '@sealpost/pipeline/recipient';
import type { CommandContext } from '../command.js';
import {
  assertEncrypted,
  assertIntegrity,
  assertKeyFor,
  assertSignatures,
  assertSigned,
  loadKeys,
  OPENING_IN_NODE,
  passphraseReader,
  stringList,
} from './open-command.js';

type Recipient = typeof import('@sealpost/pipeline/recipient');

/** A large message file and its layer, as streamedProtection found it. */
export interface LargeMessageFile {
  readonly path: string;
  readonly size: number;
  readonly layer: ProtectionLayer;
}

const mebibytes = (size: number) => `${(size / 1024 / 1024).toFixed(1)} MiB`;

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

/** `sealpost decrypt` of a large message. */
export async function decryptLarge(
  ctx: CommandContext,
  recipient: Recipient,
  message: LargeMessageFile,
): Promise<number> {
  assertEncrypted(message.layer);
  outFile(ctx, message, true);
  const keys = await loadKeys(ctx, {
    decryptionKeyFiles: stringList(ctx.values.key),
    verificationKeyFiles: stringList(ctx.values['verify-key']),
    passphrase: passphraseReader(ctx),
  });
  assertKeyFor(message.layer, keys);
  return openLarge(ctx, recipient, message, keys, (opened) => {
    assertSignatures(opened, false);
    if (ctx.values['require-integrity'] === true) {
      assertIntegrity(
        opened,
        recipient.contentMalleable({ ...opened, message: new Uint8Array(0) }),
      );
    }
  });
}

/** `sealpost verify` of a large message: without --out the verdict and header fields only. */
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

async function openLarge(
  ctx: CommandContext,
  recipient: Recipient,
  message: LargeMessageFile,
  keys: OpenKeys,
  check: (opened: OpenedMessageFile) => void,
): Promise<number> {
  const out = ctx.values.out as string | undefined;
  // Without --out nothing is released: only the inner message's size is computed.
  const opened = await recipient.openMessageFile(message.path, keys, {
    ...OPENING_IN_NODE,
    keepMessage: out !== undefined,
  });
  try {
    // The verdicts first: a message that fails them is never released.
    check(opened);
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
    const { emitOpenedFacts } = await import('./open-command.js');
    await emitOpenedFacts(ctx, opened, out ?? null);
  } finally {
    await opened.dispose();
  }
  return 0;
}

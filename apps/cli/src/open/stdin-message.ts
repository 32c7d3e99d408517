/**
 * `-` as the message of `decrypt` and `verify` when stdin can be read only once (a pipe, or the
 * socket a parent process spawns with): up to the streamed-open threshold it is kept in
 * memory; a larger message is written on into a private spool file (0600 in a 0700 directory,
 * removed at the end and on a signal, `createSpoolDir`) and opened from there as a file is,
 * so that its peak memory does not grow with its size. (A redirected regular file is opened
 * again through /dev/stdin instead: `reopenablePath`.)
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SealpostError } from '@sealpost/errors';
import type { SpoolDir } from '@sealpost/pipeline/recipient';
import type { CommandContext } from '../command.js';

type Recipient = typeof import('@sealpost/pipeline/recipient');

/** What stdin held: its bytes, or the spool file they went to. */
export type StdinMessage =
  | { readonly bytes: Uint8Array }
  | { readonly spool: SpoolDir; readonly path: string };

const held = new WeakMap<CommandContext, StdinMessage>();

/** Reads stdin once for this command run; later calls give what the first one read. */
export async function takeStdinMessage(
  ctx: CommandContext,
  recipient: Pick<Recipient, 'STREAMED_OPEN_THRESHOLD' | 'createSpoolDir'>,
): Promise<StdinMessage> {
  const known = held.get(ctx);
  if (known) return known;
  const chunks = ctx.stdin[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let size = 0;
  const fail = (cause: unknown) =>
    new SealpostError('EIO', 'Cannot read the message on standard input.', { cause });
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) {
        const message = { bytes: new Uint8Array(Buffer.concat(first)) };
        held.set(ctx, message);
        return message;
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
      first.push(chunk);
      size += chunk.length;
      if (size > recipient.STREAMED_OPEN_THRESHOLD) break;
    }
  } catch (cause) {
    throw fail(cause);
  }
  const spool = recipient.createSpoolDir();
  const path = spool.file('message.eml');
  async function* rest(): AsyncGenerator<Buffer> {
    yield* first;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
    }
  }
  try {
    await pipeline(Readable.from(rest()), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (cause) {
    await spool.remove();
    throw fail(cause);
  }
  const message = { spool, path };
  held.set(ctx, message);
  return message;
}

/** Removes the spool file of this run's stdin, if there is one. */
export async function releaseStdinMessage(ctx: CommandContext): Promise<void> {
  const message = held.get(ctx);
  held.delete(ctx);
  if (message && 'spool' in message) await message.spool.remove();
}

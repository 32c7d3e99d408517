/** Reading a message (.eml) from disk for the commands that look at one. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

/** Larger files are refused: the message is parsed in memory. */
export const MAX_MESSAGE_FILE = 256 * 1024 * 1024;

export async function readMessageFile(cwd: string, file: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(cwd, file));
  } catch (cause) {
    throw new SealpostError('EIO', `Cannot read the message file ${quoteUntrusted(file)}.`, {
      cause,
    });
  }
  if (bytes.length > MAX_MESSAGE_FILE) {
    throw new SealpostError(
      'EIO',
      `${quoteUntrusted(file)} is larger than ${MAX_MESSAGE_FILE / 1024 / 1024} MiB.`,
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Reading a message (.eml) from disk for the commands that look at one. */
import { readFile, stat } from 'node:fs/promises';
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

/** The size of the message file, or undefined when it cannot be read (readMessageFile says why). */
export async function messageFileSize(path: string): Promise<number | undefined> {
  try {
    const facts = await stat(path);
    return facts.isFile() ? facts.size : undefined;
  } catch {
    return undefined;
  }
}

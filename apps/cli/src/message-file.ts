/** Reading a message (.eml) from disk or stdin for the commands that look at one. */
import { fstatSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

/** Larger files are refused: the message is parsed in memory. */
export const MAX_MESSAGE_FILE = 256 * 1024 * 1024;

/**
 * The path to open for the message FILE a command was given, for the streamed reader of a
 * large message, which opens it more than once: any name relative to `cwd`; `-` (standard
 * input) only when stdin is a redirected regular file (through /dev/stdin), else undefined:
 * a pipe or a socket can be read only once, so it takes the in-memory path.
 */
export function reopenablePath(cwd: string, file: string): string | undefined {
  if (file !== '-') return resolve(cwd, file);
  try {
    return fstatSync(0).isFile() ? '/dev/stdin' : undefined;
  } catch {
    return undefined;
  }
}

function tooLarge(file: string): SealpostError {
  const what = file === '-' ? 'The message on standard input' : quoteUntrusted(file);
  return new SealpostError('EIO', `${what} is larger than ${MAX_MESSAGE_FILE / 1024 / 1024} MiB.`);
}

/** All of standard input, refused past MAX_MESSAGE_FILE octets. */
async function readStdin(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += bytes.length;
    if (size > MAX_MESSAGE_FILE) throw tooLarge('-');
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/**
 * The message FILE (relative to `cwd`), or standard input for `-`: a pipe, a socket (what a
 * parent process spawns with) or a redirected file, read through `stdin`.
 */
export async function readMessageFile(
  cwd: string,
  file: string,
  stdin: () => NodeJS.ReadableStream,
): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readStdin(stdin()) : await readFile(resolve(cwd, file));
  } catch (cause) {
    if (cause instanceof SealpostError) throw cause;
    const what = file === '-' ? 'on standard input' : `file ${quoteUntrusted(file)}`;
    throw new SealpostError('EIO', `Cannot read the message ${what}.`, { cause });
  }
  if (bytes.length > MAX_MESSAGE_FILE) throw tooLarge(file);
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

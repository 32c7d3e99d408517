/** Reading a message (.eml) from disk or stdin for the commands that look at one. */
import { fstatSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

/** Larger files are refused: the message is parsed in memory. */
export const MAX_MESSAGE_FILE = 256 * 1024 * 1024;

/**
 * The path to open for the message FILE a command was given, for the streamed reader of a
 * large message, which opens it more than once: any name relative to `cwd`; `-` only when
 * `stdin` is the process's own fd 0 and that is a redirected regular file (opened again
 * through /dev/stdin), else undefined: a pipe, a socket or a stream a caller of main gave can
 * be read only once, so it takes the in-memory path.
 */
export function reopenablePath(
  cwd: string,
  file: string,
  stdin: () => NodeJS.ReadableStream,
): string | undefined {
  if (file !== '-') return resolve(cwd, file);
  if ((stdin() as { fd?: unknown }).fd !== 0) return undefined;
  try {
    return fstatSync(0).isFile() ? '/dev/stdin' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * All of `stream` (standard input: a message, or a body), refused with EIO past
 * MAX_MESSAGE_FILE octets, as a file of that size is.
 */
export async function readAllOfStdin(stream: NodeJS.ReadableStream): Promise<Buffer> {
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

function tooLarge(file: string): SealpostError {
  const what = file === '-' ? 'Standard input' : quoteUntrusted(file);
  return new SealpostError('EIO', `${what} is larger than ${MAX_MESSAGE_FILE / 1024 / 1024} MiB.`);
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
    bytes = file === '-' ? await readAllOfStdin(stdin()) : await readFile(resolve(cwd, file));
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

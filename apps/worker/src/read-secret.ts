/**
 * Reads a secret the config names (an environment variable, a file's first line, or a
 * command's output), never from the config itself; the worker has no terminal to prompt on.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

export interface SecretSource {
  readonly env?: string;
  readonly file?: string;
  readonly command?: string;
}

const run = promisify(execFile);

export async function readSecret(
  source: SecretSource,
  env: NodeJS.ProcessEnv,
  what: string,
): Promise<string | undefined> {
  if (source.env) {
    const value = env[source.env];
    if (value === undefined || value === '')
      throw new SealpostError('ECONFIG', `The ${what} variable ${source.env} is not set.`);
    return value;
  }
  if (source.file) {
    try {
      return (await readFile(source.file, 'utf8')).split(/\r?\n/, 1)[0] ?? '';
    } catch (err) {
      throw new SealpostError(
        'EIO',
        `Cannot read the ${what} file ${quoteUntrusted(source.file)}.`,
        {
          cause: err,
        },
      );
    }
  }
  if (source.command) {
    try {
      const { stdout } = await run('/bin/sh', ['-c', source.command], { env, timeout: 10_000 });
      return stdout.split(/\r?\n/, 1)[0] ?? '';
    } catch (err) {
      throw new SealpostError('ECONFIG', `The ${what} command failed.`, { cause: err });
    }
  }
  return undefined;
}

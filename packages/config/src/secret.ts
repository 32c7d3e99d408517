/**
 * A secret named by the settings (key passphrases, SMTP passwords): an environment variable, a
 * file's first line, or a command's first line of output (msmtp's `passwordeval`, `pass show
 * smtp/me`) — never the settings themselves, never argv. What the secret is never appears in an
 * error, not even the output of a command that failed. Apps add their own prompt on top.
 */
import { readFile } from 'node:fs/promises';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

export interface SecretSource {
  /** Name of an environment variable holding the secret. */
  readonly env?: string;
  /** A file whose first line is the secret (a trailing newline is dropped). */
  readonly file?: string;
  /** A shell command whose first line of output is the secret, e.g. "pass show smtp/me". */
  readonly command?: string;
}

/** The secret from the first source given, or undefined when none is. */
export async function readConfiguredSecret(
  source: SecretSource,
  env: NodeJS.ProcessEnv,
  what: string,
): Promise<string | undefined> {
  if (source.env) {
    const value = env[source.env];
    if (value === undefined || value === '') {
      throw new SealpostError(
        'ECONFIG',
        `The environment variable ${quoteUntrusted(source.env)} for the ${what} is not set or empty.`,
      );
    }
    return value;
  }
  if (source.file) {
    let text: string;
    try {
      text = await readFile(source.file, 'utf8');
    } catch (err) {
      throw new SealpostError(
        'EIO',
        `Cannot read the ${what} file ${quoteUntrusted(source.file)}.`,
        { cause: err },
      );
    }
    return firstLine(text);
  }
  if (source.command) return runSecretCommand(source.command, what, env);
  return undefined;
}

function firstLine(text: string): string {
  return text.replace(/\r?\n$/, '').split(/\r?\n/)[0] ?? '';
}

/** How long a password command may take (a GPG agent prompt included) before we give up. */
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * Runs the command with /bin/sh, as msmtp's passwordeval does. Its stderr goes to ours (a
 * pinentry or `pass` may explain itself there); its stdout is the secret and never appears in
 * an error, not even when the command fails.
 */
async function runSecretCommand(
  command: string,
  what: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  // Loaded here: node:child_process (and the net internals behind it) costs every one-shot
  // command ~2 ms at start-up, and only a configured command needs it.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(
        new SealpostError('ECONFIG', `The ${what} command could not be started.`, { cause: err }),
      );
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const secret = firstLine(Buffer.concat(chunks).toString('utf8'));
      if (code !== 0 || secret === '') {
        const why = signal
          ? `was stopped (${signal})`
          : code !== 0
            ? `exited ${code}`
            : 'printed nothing';
        reject(
          new SealpostError('ECONFIG', `The ${what} command ${why}; no secret was read from it.`, {
            details: { exitCode: code },
          }),
        );
        return;
      }
      resolve(secret);
    });
  });
}

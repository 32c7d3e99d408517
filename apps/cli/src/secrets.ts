/**
 * Secrets (key passphrases, SMTP passwords) come from an environment variable, a file, or an
 * interactive prompt — never from argv, where other users see them in `ps`. They are never
 * printed, logged or put into reports.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

export interface SecretSource {
  /** Name of an environment variable holding the secret. */
  readonly env?: string;
  /** A file whose first line is the secret (a trailing newline is dropped). */
  readonly file?: string;
  /** Ask on the terminal when neither is given and stdin is a TTY. */
  readonly prompt?: string;
}

export async function readSecret(
  source: SecretSource,
  context: {
    env: NodeJS.ProcessEnv;
    stdin: NodeJS.ReadableStream & { isTTY?: boolean };
    stderr?: NodeJS.WritableStream;
  },
  what: string,
): Promise<string | undefined> {
  if (source.env) {
    const value = context.env[source.env];
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
    return text.replace(/\r?\n$/, '').split(/\r?\n/)[0] ?? '';
  }
  if (source.prompt && context.stdin.isTTY) {
    return promptHidden(source.prompt, context.stdin, context.stderr ?? process.stderr);
  }
  return undefined;
}

/** Reads one line without echoing it (the terminal shows nothing while typing). */
function promptHidden(
  question: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: true });
    const write = (rl as unknown as { _writeToOutput?: (s: string) => void })._writeToOutput;
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.startsWith(question)) write?.call(rl, question);
    };
    rl.question(question, (answer) => {
      rl.close();
      output.write('\n');
      resolve(answer);
    });
  });
}

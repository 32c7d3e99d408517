/**
 * Secrets (key passphrases, SMTP passwords) come from an environment variable, a file, a
 * command (msmtp's `passwordeval`, `pass show smtp/me`) — read by @sealpost/config, as the
 * worker reads them — or an interactive prompt, never from argv, where other users see them
 * in `ps`. They are never printed, logged or put into reports.
 */
import { createInterface } from 'node:readline';
import { type SecretSource as ConfiguredSecret, readConfiguredSecret } from '@sealpost/config';

export interface SecretSource extends ConfiguredSecret {
  /** Ask on the terminal when no other source is given and stdin is a TTY. */
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
  const configured = await readConfiguredSecret(source, context.env, what);
  if (configured !== undefined) return configured;
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

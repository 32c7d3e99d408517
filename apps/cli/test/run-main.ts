/** Runs `main()` in-process with captured stdout/stderr, as the tests of each command do. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../src/main.js';

const NO_HOME = join(tmpdir(), 'sealpost-cli-tests-no-home');

export interface MainRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runMain(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<MainRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await main(args, {
    stdout,
    stderr,
    stdin: new PassThrough(),
    // A home without a config file, so a developer's own ~/.config/sealpost never leaks in.
    env: { HOME: NO_HOME, XDG_CONFIG_HOME: NO_HOME, ...options.env },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, out, err };
}

/**
 * What the large-message benchmarks share: a command run under GNU time (`/usr/bin/time -v`)
 * for its wall time, peak RSS and CPU, and a file of random bytes to send or receive.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createWriteStream, openSync } from 'node:fs';

export interface Run {
  readonly seconds: number;
  readonly rssMb: number;
  /** User + system CPU seconds (all threads): steadier than wall time on a shared machine. */
  readonly cpuSeconds: number;
}

/**
 * Runs a command under /usr/bin/time -v. Asynchronous, so a server in the benchmark's own
 * process (the submission sink) keeps serving while the child runs.
 */
export async function timed(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  /** A file to give the command as its standard input (none by default). */
  stdinFile?: string,
): Promise<Run> {
  const input = stdinFile === undefined ? 'ignore' : openSync(stdinFile, 'r');
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-v', command, ...args], {
    env: { ...process.env, ...env },
    stdio: [input, 'ignore', 'pipe'],
  });
  if (typeof input === 'number') closeSync(input);
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const [status] = (await once(child, 'close')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  if (status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed:\n${stderr.slice(0, 600)}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
  const cpu = (label: string) =>
    Number(new RegExp(`${label} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1] ?? 0);
  return { seconds, rssMb: kb / 1024, cpuSeconds: cpu('User') + cpu('System') };
}

/** Writes `bytes` random bytes to `path`, a MiB at a time. */
export async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  for (let left = bytes; left > 0; left -= 1024 * 1024) {
    if (!out.write(randomBytes(Math.min(left, 1024 * 1024)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

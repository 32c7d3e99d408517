// Runs the built `sealpost` binary asynchronously (embedded servers in the test process keep
// serving while it runs), with an environment limited to what the test gives.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `sealpost` as users run it: the launcher that starts Node from the start-up snapshot, or
 * runs the bundle when it cannot (decision 0143). Spawn it directly, never with `node`.
 */
export const bin = fileURLToPath(new URL('../../apps/cli/dist/sealpost', import.meta.url));
/** The bundle the launcher falls back to (`node dist/bin.js` also runs it). */
export const bundleEntry = fileURLToPath(new URL('../../apps/cli/dist/bin.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function assertBuilt(): void {
  if (!existsSync(bin) || !existsSync(bundleEntry))
    throw new Error('apps/cli is not built: run "bash scripts/setup.sh" (or pnpm build) first');
}

export function runCli(
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    input?: string | Uint8Array;
    /** A file to redirect stdin from (`sealpost … < FILE`), instead of piping `input`. */
    inputFile?: string;
    timeoutMs?: number;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const fd = options.inputFile === undefined ? undefined : openSync(options.inputFile, 'r');
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...options.env },
      stdio: [fd ?? 'pipe', 'pipe', 'pipe'],
    });
    if (fd !== undefined) closeSync(fd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sealpost ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits without reading its input (an error, a help text) closes the pipe
    // first: EPIPE here is not the test's concern; the exit code and output say what happened.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? '');
  });
}

export interface CliRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/**
 * The built binary with a home that has no config file (a developer's own
 * ~/.config/sealpost never leaks in), answering in the shape the recipient tests read.
 */
export async function runSealpost(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliRun> {
  const home = join(tmpdir(), 'sealpost-e2e-no-home');
  const result = await runCli(args, {
    env: { HOME: home, XDG_CONFIG_HOME: home, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  return { code: result.code, out: result.stdout, err: result.stderr };
}

/**
 * Runs the `openssl` command line (OpenSSL 3.x) for interop tests: bytes in on stdin,
 * bytes out, a hard timeout, and files in a private temporary directory.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a command with stdin, collects stdout as bytes; kills it after `timeoutMs`. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { input?: Uint8Array | string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** `openssl ARGS`; throws with openssl's stderr when it exits non-zero. */
export async function openssl(
  args: readonly string[],
  options: { input?: Uint8Array | string; timeoutMs?: number } = {},
): Promise<Buffer> {
  const result = await runCommand('openssl', args, options);
  if (result.code !== 0) {
    throw new Error(
      `openssl ${args[0]} ${args[1] ?? ''} failed (${result.code}): ${result.stderr}`,
    );
  }
  return result.stdout;
}

/** A temporary directory for files openssl reads; `dispose()` removes it. */
export async function tempFiles(prefix = 'sealpost-openssl-'): Promise<{
  readonly dir: string;
  write(name: string, data: Uint8Array | string): Promise<string>;
  dispose(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    async write(name, data) {
      const path = join(dir, name);
      await writeFile(path, data, { mode: 0o600 });
      return path;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

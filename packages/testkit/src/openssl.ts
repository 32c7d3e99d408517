/**
 * Runs the `openssl` command line (OpenSSL 3.x) for interop tests: bytes in on stdin,
 * bytes out, a hard timeout, and files in a private temporary directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunToolOptions, runInteropTool, type ToolResult } from './run-tool.js';

export interface CommandResult extends Omit<ToolResult, 'stdout'> {
  readonly stdout: Buffer;
}

/** The interop runner (run-tool.ts), with stdout as a Buffer for text-minded callers. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<CommandResult> {
  const result = await runInteropTool(command, args, { timeoutMs: 20_000, ...options });
  return { ...result, stdout: Buffer.from(result.stdout) };
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

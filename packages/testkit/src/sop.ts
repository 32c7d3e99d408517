/**
 * The Stateless OpenPGP command line (draft-dkg-openpgp-stateless-cli), as `sqop` (Sequoia)
 * implements it: a second, independent OpenPGP implementation for interop tests. Keys and
 * signatures are passed as files in a temporary directory, data on stdin.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOk, runInteropTool, type ToolResult } from './run-tool.js';

export interface SopSession {
  readonly command: string;
  readonly dir: string;
  /** Writes data to a file in the session directory and returns its path. */
  file(name: string, data: string | Uint8Array): Promise<string>;
  /** Runs `sop args…` with stdin; does not throw on a non-zero exit. */
  run(args: readonly string[], input?: string | Uint8Array): Promise<ToolResult>;
  /** Like run(), but throws with stderr on failure; returns stdout. */
  ok(args: readonly string[], input?: string | Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function sopAvailable(command = 'sqop'): Promise<boolean> {
  return runInteropTool(command, ['version'], { timeoutMs: 5000 }).then(
    (r) => r.code === 0,
    () => false,
  );
}

export async function createSopSession(command = 'sqop'): Promise<SopSession> {
  const dir = await mkdtemp(join(tmpdir(), 'sp-sop-'));
  const run = (args: readonly string[], input?: string | Uint8Array) =>
    runInteropTool(command, args, { ...(input === undefined ? {} : { input }), timeoutMs: 30_000 });
  return {
    command,
    dir,
    async file(name, data) {
      const path = join(dir, name);
      await writeFile(path, data, { mode: 0o600 });
      return path;
    },
    run,
    async ok(args, input) {
      return assertOk(await run(args, input), `${command} ${args.join(' ')}`).stdout;
    },
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

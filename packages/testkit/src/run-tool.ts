/** Runs a command-line peer (gpg, gpgsm, sqop, openssl) with stdin, a hard timeout, bytes out. */
import { spawn } from 'node:child_process';

export interface ToolResult {
  readonly code: number;
  readonly stdout: Uint8Array;
  readonly stderr: string;
}

export interface RunToolOptions {
  readonly input?: Uint8Array | string;
  /** Kill the process after this long; default 30 s. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command-line tool with input on stdin, a hard timeout, and bytes out (gpg, sop). */
export function runInteropTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: new Uint8Array(Buffer.concat(out)),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A tool that exits before reading all input (e.g. on bad data) must not crash the test.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Throws with the tool's stderr when it failed. */
export function assertOk(result: ToolResult, what: string): ToolResult {
  if (result.code !== 0) {
    throw new Error(`${what} failed with exit code ${result.code}: ${result.stderr.trim()}`);
  }
  return result;
}

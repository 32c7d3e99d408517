/**
 * A private temporary directory for copies too large for memory (issue 12): mode 0700, files
 * 0600, removed by `remove()`, and also on process exit and on SIGINT/SIGTERM/SIGHUP, so no
 * plaintext or ciphertext is left behind whatever way the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const live = new Set<string>();
let hooked = false;

function removeAllSync(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAllSync();
  unhook();
  // No other handler: die of the signal as the default action would (exit status 128+n).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAllSync);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('exit', removeAllSync);
  for (const s of SIGNALS) process.off(s, onSignal);
}

export interface SpoolDir {
  readonly path: string;
  /** A path for a file in the directory (created by the caller with mode 0o600). */
  file(name: string): string;
  /** Removes the directory and everything in it; safe to call twice. */
  remove(): Promise<void>;
}

/** Creates a private temporary directory under `base` (default the OS temp dir, TMPDIR). */
export function createSpoolDir(base: string = tmpdir()): SpoolDir {
  // The handlers first: a signal that lands between mkdtemp and them would take its default
  // action (end the process at once) and leave the directory behind. Once they are in place
  // a signal waits for this synchronous code, which by then has recorded the directory.
  hook();
  let path: string;
  try {
    // mkdtemp creates the directory with mode 0700 (POSIX mkdtemp(3)).
    path = mkdtempSync(join(base, 'sealpost-'));
  } catch (err) {
    if (live.size === 0) unhook();
    throw err;
  }
  live.add(path);
  return {
    path,
    file: (name) => join(path, name),
    async remove() {
      if (!live.delete(path)) return;
      if (live.size === 0) unhook();
      await rm(path, { recursive: true, force: true });
    },
  };
}

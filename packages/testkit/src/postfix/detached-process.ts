/**
 * Daemons started for tests run in their own session (setsid) so that a test runner's
 * signals do not reach them, and are stopped by process group so nothing is left behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';

export interface DetachedProcess {
  readonly child: ChildProcess;
  /** Settles when the spawned process has exited (the promise never rejects). */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /**
   * Waits for the exit, at most `timeoutMs`. The child is unref'd (a test that forgets
   * stop() must not hang its runner), so waiting needs a timer to keep Node's loop alive.
   */
  waitExit(timeoutMs: number): Promise<void>;
}

/** Spawns `command` in a new session, stdout and stderr appended to `logFile`. */
export function spawnDetached(
  command: string,
  args: readonly string[],
  logFile: string,
): DetachedProcess {
  const fd = openSync(logFile, 'a');
  let done = false;
  try {
    // detached: true makes Node call setsid(2) in the child: its own session and group.
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        done = true;
        resolve(code);
      });
      child.once('error', () => {
        done = true;
        resolve(null);
      });
    });
    child.unref();
    const waitExit = async (timeoutMs: number) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        exited,
        new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    };
    return { child, exited, hasExited: () => done, waitExit };
  } finally {
    closeSync(fd);
  }
}

/**
 * True while a process of the group led by `pgid` is still running. Zombies do not count:
 * a daemon's children are re-parented to PID 1 when it exits, and reaping them there can take
 * seconds though they no longer run.
 */
export function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return signalReaches(pgid); // No procfs: zombies count, which only makes waiting longer.
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // Exited meanwhile.
    }
    // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

function signalReaches(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** SIGTERM the group, wait up to `graceMs`, then SIGKILL it and wait again. */
export async function stopGroup(pgid: number, graceMs = 3_000): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitGroupGone(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitGroupGone(pgid, 2_000);
}

export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await sleep(25);
  }
  return !groupAlive(pgid);
}

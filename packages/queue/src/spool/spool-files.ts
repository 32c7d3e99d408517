/**
 * The spool's directories and its durable file steps: write to a temporary name, fsync,
 * rename into place, fsync the directory (POSIX rename(2) is atomic; the directory fsync
 * makes the new name survive a power loss, as Postfix does for its queue files).
 */
import { constants } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobState } from '../job-queue.js';

/** Where each state's job records live; `incoming/` is "queued" as in Postfix. */
export const STATE_DIRECTORIES: Record<JobState, string> = {
  queued: 'incoming',
  sending: 'active',
  deferred: 'deferred',
  sent: 'sent',
  failed: 'failed',
  ambiguous: 'ambiguous',
};

/** Work directories: files being written, message bodies, idempotency keys, claim locks. */
export const WORK_DIRECTORIES = ['tmp', 'bodies', 'keys', 'locks'] as const;

export async function createSpoolDirectories(root: string): Promise<void> {
  for (const name of [...Object.values(STATE_DIRECTORIES), ...WORK_DIRECTORIES]) {
    await mkdir(join(root, name), { recursive: true, mode: 0o700 });
  }
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a whole file under `path` durably (the name appears only with the full content). */
export async function writeFileDurable(
  path: string,
  tmpPath: string,
  content: string,
): Promise<void> {
  const handle = await open(tmpPath, 'w', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmpPath, path);
}

/** Creates `path` with `content` only if it does not exist yet: link(2) fails with EEXIST atomically. */
export async function createFileExclusive(
  path: string,
  tmpPath: string,
  content: string,
): Promise<boolean> {
  const handle = await open(tmpPath, 'w', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmpPath, path);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmpPath).catch(() => {});
  }
}

export function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

export async function unlinkIfExists(path: string): Promise<void> {
  await unlink(path).catch((err: unknown) => {
    if (errnoOf(err) !== 'ENOENT') throw err;
  });
}

/** Job ids in a state directory (file names without `.json`), oldest first: ids sort by time. */
export async function listJobIds(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/** True while a process with that pid exists on this host (EPERM: it exists, not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

/**
 * Paths, record moves and claim locks of one spool directory. Every state change is
 * "rewrite the record in place (temp + fsync + rename), then rename it into the new state
 * directory"; a crash between the two leaves a record whose `state` names where it belongs,
 * and recovery rolls the move forward.
 */
import { randomBytes } from 'node:crypto';
import { access, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { JobState } from '../job-queue.js';
import {
  createFileExclusive,
  errnoOf,
  fsyncDirectory,
  processAlive,
  readJsonIfExists,
  STATE_DIRECTORIES,
  unlinkIfExists,
  writeFileDurable,
} from './spool-files.js';
import type { SpoolRecord } from './spool-record.js';

/** Who holds a claim: enough to tell a live holder from one that died (same host only). */
interface ClaimLock {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

export class SpoolStore {
  constructor(readonly root: string) {}

  stateDir(state: JobState): string {
    return join(this.root, STATE_DIRECTORIES[state]);
  }

  recordPath(state: JobState, id: string): string {
    return join(this.stateDir(state), `${id}.json`);
  }

  bodyPath(id: string): string {
    return join(this.root, 'bodies', `${id}.eml`);
  }

  dataSentPath(id: string): string {
    return join(this.stateDir('sending'), `${id}.data-sent`);
  }

  lockPath(id: string): string {
    return join(this.root, 'locks', `${id}.lock`);
  }

  tmpPath(name: string): string {
    return join(this.root, 'tmp', `${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  }

  /** Finds a job's record in whichever state directory holds it. */
  async find(id: string): Promise<{ dirState: JobState; record: SpoolRecord } | undefined> {
    if (!/^[0-9a-z-]+$/.test(id)) return undefined;
    // A second pass covers a job renamed into a directory the first pass had already read.
    for (let pass = 0; pass < 2; pass++) {
      for (const state of Object.keys(STATE_DIRECTORIES) as JobState[]) {
        const record = await readJsonIfExists<SpoolRecord>(this.recordPath(state, id));
        if (record) return { dirState: state, record };
      }
    }
    return undefined;
  }

  /** Rewrites the record where it is, then moves it to the directory of `next.state`. */
  async write(from: JobState, next: SpoolRecord): Promise<void> {
    const here = this.recordPath(from, next.id);
    await writeFileDurable(here, this.tmpPath(`${next.id}.json`), `${JSON.stringify(next)}\n`);
    // A move fsyncs this directory after its rename anyway; until then a crash leaves the new
    // record in the old directory, which recovery rolls forward (spool-recovery.ts). So one
    // directory fsync fewer per state change, with the same guarantee when write() returns.
    if (next.state !== from) await this.move(next.id, from, next.state);
    else await fsyncDirectory(this.stateDir(from));
  }

  /** rename(2) between state directories; both directories are fsynced. */
  async move(id: string, from: JobState, to: JobState): Promise<void> {
    await rename(this.recordPath(from, id), this.recordPath(to, id));
    await fsyncDirectory(this.stateDir(to));
    await fsyncDirectory(this.stateDir(from));
  }

  /**
   * Takes the claim lock of a job (O_EXCL semantics via link(2)). A lock left by a process
   * that died is broken and taken over once.
   */
  async lock(id: string, token: string): Promise<boolean> {
    const content = JSON.stringify({
      pid: process.pid,
      host: hostname(),
      token,
    } satisfies ClaimLock);
    for (let round = 0; round < 2; round++) {
      if (await createFileExclusive(this.lockPath(id), this.tmpPath(`${id}.lock`), content)) {
        return true;
      }
      if (await this.lockHolderAlive(id)) return false;
      await this.breakLockIfDead(id);
    }
    return false;
  }

  /**
   * Removes a lock whose holder is dead, checking again right before: between two reads a
   * live process may have broken it and taken it over.
   */
  async breakLockIfDead(id: string): Promise<void> {
    if (!(await this.lockHolderAlive(id))) await unlinkIfExists(this.lockPath(id));
  }

  async unlock(id: string): Promise<void> {
    await unlinkIfExists(this.lockPath(id));
  }

  /** True when the lock exists and its holder may still be running. */
  async lockHolderAlive(id: string): Promise<boolean> {
    let lock: ClaimLock | undefined;
    try {
      lock = await readJsonIfExists<ClaimLock>(this.lockPath(id));
    } catch (err) {
      // A lock file being written right now is not JSON yet: its writer is alive.
      if (err instanceof SyntaxError) return true;
      throw err;
    }
    if (!lock) return false;
    // Another host's process cannot be checked: treat it as alive (a spool is one host's).
    if (lock.host !== hostname()) return true;
    return processAlive(lock.pid);
  }

  async exists(path: string): Promise<boolean> {
    try {
      await access(path);
      return true;
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return false;
      throw err;
    }
  }
}

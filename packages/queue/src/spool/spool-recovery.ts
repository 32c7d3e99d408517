/**
 * Recovery of a spool after a crash. A job found in active/ whose claimer is gone is
 * examined, not lost and not blindly resent: with its data-sent marker it is parked as
 * ambiguous (the final "." may have reached the server, RFC 5321 §4.1.1.4); without it the
 * attempt is counted and the job goes back to incoming/ (or fails when out of attempts).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SealpostError } from '@sealpost/errors';
import { attemptFromError } from '../attempt-record.js';
import type { JobState } from '../job-queue.js';
import { listJobIds, processAlive, readJsonIfExists, unlinkIfExists } from './spool-files.js';
import { attemptsMade, type SpoolRecord } from './spool-record.js';
import type { SpoolStore } from './spool-store.js';

export interface RecoveryReport {
  /** Jobs whose claimer died before sending the data: back in the queue (or failed). */
  readonly requeued: readonly string[];
  /** Jobs whose claimer died after the data-sent mark: parked for an explicit resend. */
  readonly ambiguous: readonly string[];
  /** Records whose state change was cut short and has been completed. */
  readonly rolledForward: readonly string[];
}

export async function recoverSpool(store: SpoolStore): Promise<RecoveryReport> {
  const requeued: string[] = [];
  const ambiguous: string[] = [];
  const rolledForward: string[] = [];
  await removeStaleLocks(store);
  // Only these directories can hold a record whose change was cut short: every other
  // change starts with a rename (claim) or writes straight into place (enqueue).
  for (const dirState of ['failed', 'ambiguous', 'sending'] as const) {
    for (const id of await listJobIds(store.stateDir(dirState))) {
      const peek = await readJsonIfExists<SpoolRecord>(store.recordPath(dirState, id));
      if (!peek || (dirState !== 'sending' && peek.state === dirState)) continue;
      // Every change in progress holds the job's lock: a live holder is left alone, and
      // taking the lock makes this process the only one examining the job.
      if (!(await store.lock(id, 'recovery'))) continue;
      try {
        const record = await readJsonIfExists<SpoolRecord>(store.recordPath(dirState, id));
        if (!record) continue; // Moved on before we got the lock.
        if (dirState === 'sending' && record.state === 'sending') {
          const outcome = await examineOrphan(store, record);
          (outcome === 'ambiguous' ? ambiguous : requeued).push(id);
        } else if (record.state !== dirState) {
          // A state change that rewrote the record but did not get to rename it.
          await store.move(id, dirState, record.state);
          await unlinkIfExists(store.dataSentPath(id));
          rolledForward.push(id);
        }
      } finally {
        await store.unlock(id);
      }
    }
  }
  await removeLeftovers(store);
  return { requeued, ambiguous, rolledForward };
}

/** The job's claimer is gone (we hold its lock now): decide by the data-sent marker. */
async function examineOrphan(store: SpoolStore, record: SpoolRecord): Promise<JobState> {
  const dataSent = await store.exists(store.dataSentPath(record.id));
  const error = dataSent
    ? new SealpostError(
        'EAMBIGUOUS',
        'The worker stopped after the message data was sent; the server may have accepted it.',
      )
    : new SealpostError('ECONNLOST', 'The worker stopped before the message data was sent.');
  const attempts = [...record.attempts, attemptFromError(error, dataSent)];
  const outOfAttempts = attemptsMade({ ...record, attempts }) >= record.maxAttempts;
  const state: JobState = dataSent ? 'ambiguous' : outOfAttempts ? 'failed' : 'queued';
  await store.write('sending', { ...record, state, attempts });
  await unlinkIfExists(store.dataSentPath(record.id));
  return state;
}

/** Locks whose holder died (a crash between taking a lock and releasing it). */
async function removeStaleLocks(store: SpoolStore): Promise<void> {
  for (const name of await readdir(join(store.root, 'locks'))) {
    if (!name.endsWith('.lock')) continue;
    const id = name.slice(0, -'.lock'.length);
    if (!(await store.lockHolderAlive(id))) await store.breakLockIfDead(id);
  }
}

/** Temporary files of processes that died, and data-sent markers whose job has moved on. */
async function removeLeftovers(store: SpoolStore): Promise<void> {
  const tmpDir = join(store.root, 'tmp');
  for (const name of await readdir(tmpDir)) {
    // Names are <what>.<pid>.<random>: a live writer's files are left alone.
    const pid = Number(name.split('.').at(-2));
    if (Number.isInteger(pid) && !processAlive(pid)) await unlinkIfExists(join(tmpDir, name));
  }
  const activeDir = store.stateDir('sending');
  for (const name of await readdir(activeDir)) {
    if (!name.endsWith('.data-sent')) continue;
    const id = name.slice(0, -'.data-sent'.length);
    if (!(await store.exists(store.recordPath('sending', id)))) {
      await unlinkIfExists(join(activeDir, name));
    }
  }
}

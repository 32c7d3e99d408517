/**
 * Retention for the spool: sent and failed jobs whose last attempt is older than the cutoff are
 * removed — idempotency key first (so no key ever names a job that is gone), then the record,
 * then the body. Each job is removed under its claim lock, so a resend in progress (which holds
 * the lock) is never raced. Ambiguous jobs stay until an operator resends them.
 */
import { createHash } from 'node:crypto';
import type { PruneOptions } from '../job-queue.js';
import { fsyncDirectory, listJobIds, readJsonIfExists, unlinkIfExists } from './spool-files.js';
import type { SpoolRecord } from './spool-record.js';
import type { SpoolStore } from './spool-store.js';

/** The idempotency key's file: keys/<sha-256 of the key> (what enqueue reserves). */
export function idempotencyKeyPath(store: SpoolStore, key: string): string {
  return `${store.root}/keys/${createHash('sha256').update(key).digest('hex')}`;
}

/** When the job last changed: its last attempt's end, or its enqueue. */
export function lastActivity(record: { attempts: readonly { at: string }[]; createdAt: string }) {
  return Date.parse(record.attempts.at(-1)?.at ?? record.createdAt);
}

export async function pruneSpool(store: SpoolStore, options: PruneOptions): Promise<number> {
  const cutoff = (options.now ?? new Date()).getTime() - options.olderThanMs;
  let removed = 0;
  for (const state of ['sent', 'failed'] as const) {
    for (const id of await listJobIds(store.stateDir(state))) {
      const peek = await readJsonIfExists<SpoolRecord>(store.recordPath(state, id));
      if (!peek || peek.state !== state || !(lastActivity(peek) < cutoff)) continue;
      if (!(await store.lock(id, 'prune'))) continue;
      try {
        // Read again under the lock: a resend may have moved it on meanwhile.
        const record = await readJsonIfExists<SpoolRecord>(store.recordPath(state, id));
        if (!record || record.state !== state || !(lastActivity(record) < cutoff)) continue;
        if (record.idempotencyKey !== undefined) {
          const keyPath = idempotencyKeyPath(store, record.idempotencyKey);
          const holder = await readJsonIfExists<{ id: string }>(keyPath);
          if (holder?.id === id) await unlinkIfExists(keyPath);
        }
        await unlinkIfExists(store.recordPath(state, id));
        await fsyncDirectory(store.stateDir(state));
        await unlinkIfExists(store.bodyPath(id));
        await unlinkIfExists(store.dataSentPath(id));
        removed += 1;
      } finally {
        await store.unlock(id);
      }
    }
  }
  return removed;
}

/**
 * The default JobQueue: a spool directory with Postfix-like states (incoming, active,
 * deferred, ...), no server needed. Safe for several processes on one host: a claim is an
 * O_EXCL lock plus a rename into active/. See docs/decisions/0080-job-queue.md.
 */
import { randomBytes } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { SealpostError } from '@sealpost/errors';
import { type BackoffOptions, DEFAULT_MAX_ATTEMPTS } from '../backoff.js';
import { checkEnqueueRequest } from '../enqueue-request.js';
import {
  type ClaimOptions,
  type EnqueueRequest,
  type EnqueueResult,
  JOB_STATES,
  type JobInfo,
  type JobQueue,
  type JobState,
  type Lease,
  type ListOptions,
  type PruneOptions,
} from '../job-queue.js';
import {
  createFileExclusive,
  createSpoolDirectories,
  fsyncDirectory,
  listJobIds,
  processAlive,
  readJsonIfExists,
  unlinkIfExists,
} from './spool-files.js';
import { SpoolLease } from './spool-lease.js';
import { idempotencyKeyPath, pruneSpool } from './spool-prune.js';
import { jobInfoOf, type SpoolRecord } from './spool-record.js';
import { type RecoveryReport, recoverSpool } from './spool-recovery.js';
import { SpoolStore } from './spool-store.js';

export interface SpoolQueueOptions {
  /** The spool directory (see `defaultSpoolDirectory()`); created when missing. */
  readonly directory: string;
  readonly backoff?: BackoffOptions;
  /** Default attempt limit for jobs enqueued without one; default 8. */
  readonly maxAttempts?: number;
  /** Largest message accepted, in bytes; default no limit (the spool streams to disk). */
  readonly maxBodyBytes?: number;
  /** How often a waiting `claim()` looks for due jobs; default 100 ms. */
  readonly pollIntervalMs?: number;
}

interface KeyEntry {
  readonly id: string;
  readonly pid: number;
}

export class SpoolQueue implements JobQueue {
  readonly #store: SpoolStore;
  readonly #options: SpoolQueueOptions;
  readonly #leases = new Set<SpoolLease>();
  #closed = false;

  private constructor(options: SpoolQueueOptions) {
    this.#options = options;
    this.#store = new SpoolStore(options.directory);
  }

  /** Opens (creating if needed) a spool and recovers jobs left by processes that died. */
  static async open(options: SpoolQueueOptions): Promise<SpoolQueue> {
    await createSpoolDirectories(options.directory);
    const queue = new SpoolQueue(options);
    await queue.recover();
    return queue;
  }

  get directory(): string {
    return this.#store.root;
  }

  /** Examines jobs whose claimer died (also run by `open()`); safe while others work. */
  recover(): Promise<RecoveryReport> {
    return recoverSpool(this.#store);
  }

  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    this.#assertOpen();
    checkEnqueueRequest(request);
    const id = newJobId();
    let keyPath: string | undefined;
    if (request.idempotencyKey !== undefined) {
      keyPath = idempotencyKeyPath(this.#store, request.idempotencyKey);
      const existing = await this.#reserveKey(keyPath, id);
      if (existing) return existing;
    }
    const tmpBody = this.#store.tmpPath(`${id}.eml`);
    try {
      const size = await this.#writeBody(tmpBody, request.raw);
      const record: SpoolRecord = {
        version: 1,
        id,
        state: 'queued',
        envelope: request.envelope,
        messageId: request.messageId,
        report: request.report,
        attempts: [],
        maxAttempts: request.maxAttempts ?? this.#options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        size,
        ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
        createdAt: new Date().toISOString(),
        budgetFrom: 0,
      };
      await rename(tmpBody, this.#store.bodyPath(id));
      await fsyncDirectory(`${this.#store.root}/bodies`);
      // The record appears in incoming/ last, and only complete: a consumer never sees a
      // job without its body.
      const tmpRecord = this.#store.tmpPath(`${id}.json`);
      const handle = await open(tmpRecord, 'w', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(record)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmpRecord, this.#store.recordPath('queued', id));
      await fsyncDirectory(this.#store.stateDir('queued'));
      return { id, state: 'queued', created: true };
    } catch (err) {
      await unlinkIfExists(tmpBody);
      await unlinkIfExists(this.#store.bodyPath(id));
      if (keyPath) await unlinkIfExists(keyPath);
      throw err;
    }
  }

  /** Claims the idempotency key for `id`, or returns the job that already holds it. */
  async #reserveKey(keyPath: string, id: string): Promise<EnqueueResult | undefined> {
    const entry: KeyEntry = { id, pid: process.pid };
    for (let round = 0; round < 3; round++) {
      if (await createFileExclusive(keyPath, this.#store.tmpPath('key'), JSON.stringify(entry))) {
        await fsyncDirectory(`${this.#store.root}/keys`);
        return undefined;
      }
      const holder = await readJsonIfExists<KeyEntry>(keyPath);
      if (!holder) continue;
      const found = await this.#store.find(holder.id);
      if (found) return { id: holder.id, state: found.record.state, created: false };
      // Still being written by a live enqueue: the same job, not yet visible.
      if (processAlive(holder.pid)) return { id: holder.id, state: 'queued', created: false };
      // The enqueue that reserved the key died before its job appeared: take the key over.
      await unlinkIfExists(keyPath);
    }
    throw new SealpostError('EIO', 'The idempotency key could not be reserved in the spool.');
  }

  async #writeBody(path: string, raw: Uint8Array | Readable): Promise<number> {
    const limit = this.#options.maxBodyBytes ?? Number.POSITIVE_INFINITY;
    const handle = await open(path, 'wx', 0o600);
    let size = 0;
    try {
      const source = raw instanceof Uint8Array ? Readable.from([raw]) : raw;
      for await (const chunk of source) {
        const bytes: Uint8Array = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.byteLength;
        if (size > limit) {
          throw new SealpostError(
            'EJOB_TOO_LARGE',
            `The message is larger than this spool accepts (${limit} bytes).`,
            { details: { maxBodyBytes: limit } },
          );
        }
        await handle.write(bytes);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    return size;
  }

  async get(id: string): Promise<JobInfo | undefined> {
    const found = await this.#store.find(id);
    return found && jobInfoOf(found.record);
  }

  async list(options: ListOptions = {}): Promise<JobInfo[]> {
    const limit = options.limit ?? 100;
    const states = options.state ? [options.state] : JOB_STATES;
    const jobs: JobInfo[] = [];
    for (const state of states) {
      for (const id of await listJobIds(this.#store.stateDir(state))) {
        const record = await readJsonIfExists<SpoolRecord>(this.#store.recordPath(state, id));
        if (record) jobs.push(jobInfoOf(record));
      }
    }
    return jobs.sort((a, b) => (a.id < b.id ? -1 : 1)).slice(0, limit);
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts = {} as Record<JobState, number>;
    for (const state of JOB_STATES) {
      counts[state] = (await listJobIds(this.#store.stateDir(state))).length;
    }
    return counts;
  }

  async claim(options: ClaimOptions = {}): Promise<Lease | null> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      if (this.#closed || options.signal?.aborted) return null;
      const lease = await this.#claimDue();
      if (lease) return lease;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await sleep(Math.min(left, this.#options.pollIntervalMs ?? 100));
    }
  }

  async #claimDue(): Promise<SpoolLease | null> {
    const now = Date.now();
    for (const state of ['queued', 'deferred'] as const) {
      for (const id of await listJobIds(this.#store.stateDir(state))) {
        if (state === 'deferred') {
          const record = await readJsonIfExists<SpoolRecord>(this.#store.recordPath(state, id));
          if (!record || Date.parse(record.nextAttemptAt ?? '') > now) continue;
        }
        const lease = await this.#claimOne(state, id);
        if (lease) return lease;
      }
    }
    return null;
  }

  async #claimOne(state: 'queued' | 'deferred', id: string): Promise<SpoolLease | null> {
    if (!(await this.#store.lock(id, randomBytes(8).toString('hex')))) return null;
    try {
      await this.#store.move(id, state, 'sending');
    } catch {
      // Gone meanwhile (claimed and settled by someone else, or resent): not ours.
      await this.#store.unlock(id);
      return null;
    }
    const record = await readJsonIfExists<SpoolRecord>(this.#store.recordPath('sending', id));
    if (!record) throw new SealpostError('EINTERNAL', `Job ${id} vanished from active/.`);
    const { nextAttemptAt: _due, ...rest } = record;
    const active: SpoolRecord = { ...rest, state: 'sending' };
    await this.#store.write('sending', active);
    const lease = new SpoolLease(this.#store, active, this.#options.backoff ?? {}, (done) =>
      this.#leases.delete(done),
    );
    this.#leases.add(lease);
    return lease;
  }

  async resend(id: string): Promise<JobInfo> {
    this.#assertOpen();
    const found = await this.#store.find(id);
    if (!found) throw new SealpostError('EJOB_NOT_FOUND', `No job ${id} in the spool.`);
    const { dirState, record } = found;
    if (dirState !== 'failed' && dirState !== 'ambiguous') {
      throw new SealpostError(
        'EJOB_STATE',
        `Job ${id} is ${dirState}; only failed or ambiguous jobs can be resent.`,
      );
    }
    if (!(await this.#store.lock(id, 'resend'))) {
      throw new SealpostError('EJOB_STATE', `Job ${id} is being changed by another process.`);
    }
    try {
      const next: SpoolRecord = { ...record, state: 'queued', budgetFrom: record.attempts.length };
      await this.#store.write(dirState, next);
      return jobInfoOf(next);
    } finally {
      await this.#store.unlock(id);
    }
  }

  prune(options: PruneOptions): Promise<number> {
    this.#assertOpen();
    return pruneSpool(this.#store, options);
  }

  async close(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    this.#closed = true;
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (this.#leases.size > 0 && Date.now() < deadline) await sleep(20);
    // Whatever is still in flight goes back (or is parked when its data went out).
    for (const lease of [...this.#leases]) {
      if (!lease.settled) await lease.release();
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new SealpostError('EQUEUE_CLOSED', 'The spool queue is closed.');
  }
}

/** Sortable by creation time, unique without coordination. */
function newJobId(): string {
  return `${Date.now().toString(36).padStart(9, '0')}-${randomBytes(6).toString('hex')}`;
}

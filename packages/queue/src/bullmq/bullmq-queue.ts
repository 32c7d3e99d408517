/**
 * JobQueue on BullMQ and Redis, for workers on many hosts sharing one queue. BullMQ does the
 * retries (attempts + our jittered backoff strategy), stalled-job recovery, rate limiting and
 * job ids (idempotency); we add the body keys, the data-sent mark and the ambiguous set.
 * Every key starts with the prefix, by default `{sealpost}`: a Redis Cluster hash tag, so a
 * queue's keys share one slot and BullMQ's Lua scripts can run there.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SealpostError } from '@sealpost/errors';
import { Queue, type RateLimiterOptions, Worker } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { type BackoffOptions, backoffDelay, DEFAULT_MAX_ATTEMPTS } from '../backoff.js';
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
import { writeBody } from './bullmq-body-store.js';
import { type BullJob, type BullJobData, jobInfoFromBull, jobStateOf } from './bullmq-job-data.js';
import { BullMqLease, type LeaseContext, parkAmbiguous } from './bullmq-lease.js';

export interface BullMqQueueOptions {
  /** ioredis options (host, port, password, tls, ...); `maxRetriesPerRequest` is forced to null as BullMQ requires. */
  readonly connection: RedisOptions;
  /** Queue name; default `send`. */
  readonly name?: string;
  /** Key prefix; default `{sealpost}` (a Cluster hash tag: keep the braces). */
  readonly prefix?: string;
  readonly backoff?: BackoffOptions;
  /** Default attempt limit for jobs enqueued without one; default 8. */
  readonly maxAttempts?: number;
  /** Largest message accepted, in bytes; default 25 MiB. */
  readonly maxBodyBytes?: number;
  /** BullMQ lock duration of a claimed job; default 30 s (renewed every half). */
  readonly lockDurationMs?: number;
  /** How often this consumer looks for stalled jobs; default 30 s. */
  readonly stalledIntervalMs?: number;
  /** How often a job may stall before BullMQ fails it; default 1. */
  readonly maxStalledCount?: number;
  /** BullMQ rate limiter: at most `max` jobs per `duration` ms, across all consumers. */
  readonly limiter?: RateLimiterOptions;
  /** How often a waiting `claim()` polls; default 100 ms. */
  readonly pollIntervalMs?: number;
  /**
   * Told about connection errors and errors of BullMQ's background stalled-job checker;
   * both retry by themselves (commands wait for the reconnect), so these are for logs.
   */
  readonly onError?: (error: Error) => void;
}

const BULL_TYPES = {
  queued: ['waiting', 'prioritized'],
  sending: ['active'],
  sent: ['completed'],
  deferred: ['delayed'],
  failed: ['failed'],
  ambiguous: ['failed'],
} as const;

export class BullMqQueue implements JobQueue {
  readonly #redis: Redis;
  readonly #queue: Queue<BullJobData>;
  readonly #worker: Worker<BullJobData>;
  readonly #options: BullMqQueueOptions;
  readonly #leases = new Set<BullMqLease>();
  readonly #context: LeaseContext;
  readonly #consumerId = randomUUID();
  #claims = 0;
  #closed = false;

  constructor(options: BullMqQueueOptions) {
    this.#options = options;
    const name = options.name ?? 'send';
    const prefix = options.prefix ?? '{sealpost}';
    this.#redis = new Redis({ ...options.connection, maxRetriesPerRequest: null });
    this.#queue = new Queue<BullJobData>(name, { connection: this.#redis, prefix });
    const backoff = options.backoff ?? {};
    this.#worker = new Worker<BullJobData>(name, null, {
      connection: this.#redis,
      prefix,
      autorun: false,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 1,
      ...(options.limiter ? { limiter: options.limiter } : {}),
      settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, backoff) },
    });
    // Connection errors (e.g. while Redis restarts) are retried by ioredis and BullMQ.
    const onError = options.onError ?? (() => {});
    this.#redis.on('error', onError);
    this.#worker.on('error', onError);
    this.#queue.on('error', onError);
    void this.#worker.startStalledCheckTimer();
    const queue = this.#queue;
    this.#context = {
      redis: this.#redis,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      bodyKey: (token) => queue.toKey(`sealpost:body:${token}`),
      dataSentKey: (id) => queue.toKey(`sealpost:data-sent:${id}`),
      ambiguousKey: queue.toKey('sealpost:ambiguous'),
      info: async (id) => {
        const info = await this.get(id);
        if (!info) throw new SealpostError('EJOB_NOT_FOUND', `Job ${id} is gone from the queue.`);
        return info;
      },
      settled: (lease) => this.#leases.delete(lease),
    };
  }

  /** Resolves once the Redis connection is up. */
  async ready(): Promise<void> {
    await this.#queue.waitUntilReady();
  }

  /** The Redis client this queue uses (for metrics and tests). */
  get redis(): Redis {
    return this.#redis;
  }

  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    this.#assertOpen();
    checkEnqueueRequest(request);
    const key = request.idempotencyKey;
    // BullMQ ignores an add whose job id exists: the idempotency key becomes the job id.
    const jobId =
      key === undefined ? randomUUID() : `k-${createHash('sha256').update(key).digest('hex')}`;
    if (key !== undefined) {
      const existing = await this.#queue.getJob(jobId);
      if (existing) return { id: jobId, state: await this.#stateOf(existing), created: false };
    }
    const token = randomUUID();
    const bodyKey = this.#context.bodyKey(token);
    const size = await writeBody(
      this.#redis,
      bodyKey,
      request.raw,
      this.#options.maxBodyBytes ?? 25 * 1024 * 1024,
    );
    const data: BullJobData = {
      v: 1,
      token,
      envelope: request.envelope,
      messageId: request.messageId,
      report: request.report,
      size,
      ...(key === undefined ? {} : { idempotencyKey: key }),
      createdAt: new Date().toISOString(),
      attempts: [],
      budgetFrom: 0,
    };
    try {
      await this.#queue.add('send', data, {
        jobId,
        attempts: request.maxAttempts ?? this.#options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        backoff: { type: 'custom' },
      });
    } catch (err) {
      await this.#redis.del(bodyKey).catch(() => {});
      throw err;
    }
    if (key !== undefined) {
      // A concurrent enqueue with the same key may have won: its token is the stored one.
      const stored = await this.#queue.getJob(jobId);
      if (stored && stored.data.token !== token) {
        await this.#redis.del(bodyKey);
        return { id: jobId, state: await this.#stateOf(stored), created: false };
      }
    }
    return { id: jobId, state: 'queued', created: true };
  }

  async get(id: string): Promise<JobInfo | undefined> {
    // The state first, then the data: a lease writes the data (its attempt) before it moves
    // the job, so a final state read here always comes with that attempt. Read the other way
    // round, a reader could see "failed" with the attempts of before the failure.
    const bullState = await this.#queue.getJobState(id);
    if (bullState === 'unknown') return undefined;
    const job = await this.#queue.getJob(id);
    if (!job) return undefined;
    return this.#infoOf(job, await this.#stateOf(job, bullState));
  }

  async list(options: ListOptions = {}): Promise<JobInfo[]> {
    const limit = options.limit ?? 100;
    const states = options.state ? [options.state] : JOB_STATES;
    const jobs: JobInfo[] = [];
    for (const state of states) {
      if (state === 'ambiguous' && options.state === undefined) continue; // with "failed"
      const parked =
        state === 'failed' || state === 'ambiguous' ? await this.#parkedIds() : undefined;
      const extra = parked ? parked.size : 0;
      for (const job of await this.#queue.getJobs(
        [...BULL_TYPES[state]],
        0,
        limit + extra - 1,
        true,
      )) {
        if (!job) continue;
        const shown = parked ? (parked.has(job.id ?? '') ? 'ambiguous' : 'failed') : state;
        if (options.state === undefined || shown === options.state)
          jobs.push(await this.#infoOf(job, shown));
      }
    }
    return jobs.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1)).slice(0, limit);
  }

  async counts(): Promise<Record<JobState, number>> {
    const bull = await this.#queue.getJobCounts(
      'waiting',
      'prioritized',
      'active',
      'completed',
      'delayed',
      'failed',
    );
    const ambiguous = await this.#redis.scard(this.#context.ambiguousKey);
    return {
      queued: (bull.waiting ?? 0) + (bull.prioritized ?? 0),
      sending: bull.active ?? 0,
      sent: bull.completed ?? 0,
      deferred: bull.delayed ?? 0,
      failed: Math.max(0, (bull.failed ?? 0) - ambiguous),
      ambiguous,
    };
  }

  async claim(options: ClaimOptions = {}): Promise<Lease | null> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      if (this.#closed || options.signal?.aborted) return null;
      const token = `${this.#consumerId}:${++this.#claims}`;
      const job = (await this.#worker.getNextJob(token, { block: false })) as BullJob | undefined;
      if (job) {
        if (!(await this.#redis.exists(this.#context.dataSentKey(job.id ?? '')))) {
          const lease = new BullMqLease(job, token, this.#context);
          this.#leases.add(lease);
          return lease;
        }
        // A consumer died after sending the data (the job stalled and came back): park it.
        await this.#parkStalled(job, token);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await sleep(Math.min(left, this.#options.pollIntervalMs ?? 100));
    }
  }

  async #parkStalled(job: BullJob, token: string): Promise<void> {
    const attempt = {
      at: new Date().toISOString(),
      code: 'EAMBIGUOUS',
      response:
        'The worker stopped after the message data was sent; the server may have accepted it.',
      dataSent: true,
    };
    await job.updateData({ ...job.data, attempts: [...job.data.attempts, attempt] });
    await parkAmbiguous(this.#context, job, token);
  }

  async resend(id: string): Promise<JobInfo> {
    this.#assertOpen();
    const job = await this.#queue.getJob(id);
    if (!job) throw new SealpostError('EJOB_NOT_FOUND', `No job ${id} in the queue.`);
    const state = await this.#stateOf(job);
    if (state !== 'failed' && state !== 'ambiguous') {
      throw new SealpostError(
        'EJOB_STATE',
        `Job ${id} is ${state}; only failed or ambiguous jobs can be resent.`,
      );
    }
    await job.updateData({ ...job.data, budgetFrom: job.data.attempts.length });
    await this.#redis
      .multi()
      .del(this.#context.dataSentKey(id))
      .srem(this.#context.ambiguousKey, id)
      .exec();
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return this.#context.info(id);
  }

  async prune(options: PruneOptions): Promise<number> {
    this.#assertOpen();
    const now = (options.now ?? new Date()).getTime();
    const cutoff = now - options.olderThanMs;
    // Sent jobs: BullMQ's own clean (by finish time; their bodies are already gone). Its grace
    // counts back from Redis's clock, so a `now` ahead of it shortens the grace by as much.
    const grace = Math.max(0, options.olderThanMs - (now - Date.now()));
    let removed = 0;
    for (;;) {
      const cleaned = await this.#queue.clean(grace, 1000, 'completed');
      removed += cleaned.length;
      if (cleaned.length < 1000) break;
    }
    // Failed ones one by one: BullMQ's "failed" also holds the ambiguous jobs, which stay, and a
    // failed job's body is still stored (for resend).
    const parked = await this.#parkedIds();
    let start = 0;
    for (;;) {
      const page = await this.#queue.getJobs(['failed'], start, start + 999, true);
      let kept = 0;
      for (const job of page) {
        const id = job?.id ?? '';
        if (!job || parked.has(id) || !((job.finishedOn ?? now) < cutoff)) {
          kept += 1;
          continue;
        }
        await job.remove();
        await this.#redis.del(this.#context.bodyKey(job.data.token), this.#context.dataSentKey(id));
        removed += 1;
      }
      if (page.length < 1000) break;
      start += kept;
    }
    return removed;
  }

  async close(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (this.#leases.size > 0 && Date.now() < deadline) await sleep(20);
    for (const lease of [...this.#leases]) {
      if (!lease.settled) await lease.release().catch(() => {});
    }
    await this.#worker.close(true);
    await this.#queue.close();
    await this.#redis.quit().catch(() => {});
  }

  async #parkedIds(): Promise<Set<string>> {
    return new Set(await this.#redis.smembers(this.#context.ambiguousKey));
  }

  async #stateOf(job: BullJob, known?: string): Promise<JobState> {
    const bullState = known ?? (await job.getState());
    const parked =
      bullState === 'failed' &&
      ((await this.#redis.sismember(this.#context.ambiguousKey, job.id ?? '')) === 1 ||
        (await this.#redis.exists(this.#context.dataSentKey(job.id ?? ''))) === 1);
    return jobStateOf(bullState, parked);
  }

  async #infoOf(job: BullJob, state: JobState): Promise<JobInfo> {
    let nextAttemptAt: number | undefined;
    if (state === 'deferred') {
      // BullMQ scores delayed jobs as timestamp * 0x1000 + a counter.
      const score = await this.#redis.zscore(this.#queue.toKey('delayed'), job.id ?? '');
      if (score !== null) nextAttemptAt = Math.floor(Number(score) / 0x1000);
    }
    return jobInfoFromBull(job, state, nextAttemptAt);
  }

  #assertOpen(): void {
    if (this.#closed) throw new SealpostError('EQUEUE_CLOSED', 'The Redis queue is closed.');
  }
}

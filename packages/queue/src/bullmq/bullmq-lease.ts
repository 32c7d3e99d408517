/**
 * A BullMQ job claimed by manual fetching (Worker.getNextJob). The lock is renewed while
 * the lease is open; the data-sent mark is a separate Redis key so a worker that dies after
 * the final "." (RFC 5321 §4.1.1.4) leaves a stalled job that the next claim parks as
 * ambiguous instead of sending it twice.
 */
import type { Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { attemptFromError } from '../attempt-record.js';
import type { Attempt, Envelope, JobInfo, Lease, SendResult } from '../job-queue.js';
import { decideRetry } from '../retry-decision.js';
import { readBody } from './bullmq-body-store.js';
import { type BullJob, type BullJobData, jobInfoFromBull } from './bullmq-job-data.js';

/** What a lease needs from its queue. */
export interface LeaseContext {
  readonly redis: Redis;
  readonly lockDurationMs: number;
  bodyKey(token: string): string;
  dataSentKey(id: string): string;
  readonly ambiguousKey: string;
  info(id: string): Promise<JobInfo>;
  settled(lease: BullMqLease): void;
}

export class BullMqLease implements Lease {
  readonly id: string;
  readonly envelope: Envelope;
  readonly messageId: string;
  readonly report: unknown;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly size: number;
  #dataSent = false;
  #settled = false;
  readonly #job: BullJob;
  readonly #token: string;
  readonly #context: LeaseContext;
  readonly #renewal: NodeJS.Timeout;

  constructor(job: BullJob, token: string, context: LeaseContext) {
    this.#job = job;
    this.#token = token;
    this.#context = context;
    this.id = job.id ?? '';
    this.envelope = job.data.envelope;
    this.messageId = job.data.messageId;
    this.report = job.data.report;
    this.attempt = job.data.attempts.length - job.data.budgetFrom + 1;
    this.maxAttempts = job.opts.attempts ?? 1;
    this.size = job.data.size;
    // Renew at half the lock time, as BullMQ's own processing loop does.
    this.#renewal = setInterval(() => {
      job.extendLock(token, context.lockDurationMs).catch(() => {});
    }, context.lockDurationMs / 2);
    this.#renewal.unref();
  }

  get settled(): boolean {
    return this.#settled;
  }

  openRaw(): Readable {
    return readBody(
      this.#context.redis,
      this.#context.bodyKey(this.#job.data.token),
      this.#job.data.size,
    );
  }

  async markDataSent(): Promise<void> {
    this.#assertOpen();
    // Only the lock holder may mark: a lost lock means another worker may own the job.
    const held = await this.#job.extendLock(this.#token, this.#context.lockDurationMs);
    if (!held) throw this.#lost();
    await this.#context.redis.set(this.#context.dataSentKey(this.id), new Date().toISOString());
    this.#dataSent = true;
  }

  async complete(result: SendResult = {}): Promise<JobInfo> {
    const attempt: Attempt = {
      at: new Date().toISOString(),
      ...(this.#dataSent ? { dataSent: true } : {}),
      ...(result.responseCode === undefined ? {} : { responseCode: result.responseCode }),
      ...(result.response === undefined ? {} : { response: result.response }),
    };
    const { report, ...reply } = result;
    return this.#settle(
      {
        attempts: [...this.#job.data.attempts, attempt],
        result: reply,
        ...(report === undefined ? {} : { report }),
      },
      async () => {
        await this.#job.moveToCompleted(reply, this.#token, false);
        await this.#context.redis.del(
          this.#context.dataSentKey(this.id),
          this.#context.bodyKey(this.#job.data.token),
        );
      },
      // Known without asking Redis again: the job is completed with the data just written.
      'sent',
    );
  }

  async retry(error: unknown): Promise<JobInfo> {
    const attempts = [...this.#job.data.attempts, attemptFromError(error, this.#dataSent)];
    const decision = decideRetry(
      error,
      attempts.length - this.#job.data.budgetFrom,
      this.maxAttempts,
    );
    if (decision === 'ambiguous') return this.#park(attempts);
    // BullMQ decides the retry itself (attempts + our backoff strategy); an
    // UnrecoverableError tells it not to.
    const reason = error instanceof Error ? error.message : String(error);
    const failure = decision === 'deferred' ? new Error(reason) : new UnrecoverableError(reason);
    return this.#settle({ attempts }, async () => {
      await this.#context.redis.del(this.#context.dataSentKey(this.id));
      await this.#job.moveToFailed(failure, this.#token, false);
    });
  }

  async fail(error: unknown): Promise<JobInfo> {
    const attempts = [...this.#job.data.attempts, attemptFromError(error, this.#dataSent)];
    const reason = error instanceof Error ? error.message : String(error);
    return this.#settle({ attempts }, async () => {
      await this.#context.redis.del(this.#context.dataSentKey(this.id));
      await this.#job.moveToFailed(new UnrecoverableError(reason), this.#token, false);
    });
  }

  async ambiguous(error: unknown): Promise<JobInfo> {
    return this.#park([...this.#job.data.attempts, attemptFromError(error, true)]);
  }

  async release(): Promise<JobInfo> {
    if (this.#dataSent) {
      return this.ambiguous(
        new SealpostError('EAMBIGUOUS', 'The worker stopped after the message data was sent.'),
      );
    }
    return this.#settle({}, async () => {
      await this.#job.moveToWait(this.#token);
    });
  }

  #park(attempts: readonly Attempt[]): Promise<JobInfo> {
    return this.#settle({ attempts }, () => parkAmbiguous(this.#context, this.#job, this.#token));
  }

  #assertOpen(): void {
    if (this.#settled) {
      throw new SealpostError('EJOB_LEASE', `Job ${this.id} was already settled by this lease.`);
    }
  }

  #lost(): SealpostError {
    return new SealpostError('EJOB_LEASE', `The lock on job ${this.id} was lost.`);
  }

  async #settle(
    change: Partial<BullJobData>,
    move: () => Promise<unknown>,
    known?: 'sent',
  ): Promise<JobInfo> {
    this.#assertOpen();
    this.#settled = true;
    clearInterval(this.#renewal);
    try {
      if (Object.keys(change).length > 0)
        await this.#job.updateData({ ...this.#job.data, ...change });
      await move();
    } catch (err) {
      if (err instanceof SealpostError) throw err;
      throw new SealpostError('EJOB_LEASE', `Job ${this.id} could not be settled: ${String(err)}`, {
        cause: err,
      });
    } finally {
      this.#context.settled(this);
    }
    if (known) {
      const job = { id: this.id, opts: this.#job.opts, data: { ...this.#job.data, ...change } };
      return jobInfoFromBull(job as BullJob, known, undefined);
    }
    return this.#context.info(this.id);
  }
}

/** Parks a job the caller holds the lock of: marked data-sent, in the ambiguous set, failed for BullMQ. */
export async function parkAmbiguous(
  context: LeaseContext,
  job: BullJob,
  token: string,
): Promise<void> {
  const id = job.id ?? '';
  await context.redis
    .multi()
    .set(context.dataSentKey(id), new Date().toISOString())
    .sadd(context.ambiguousKey, id)
    .exec();
  await job.moveToFailed(new UnrecoverableError('ambiguous: parked until resent'), token, false);
}

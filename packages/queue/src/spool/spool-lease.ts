/**
 * A claimed spool job (its record is in active/, its lock in locks/). The data-sent marker
 * is a file beside the record, fsynced before `markDataSent()` resolves, so recovery can
 * tell "crashed before the final '.'" from "crashed after it" (RFC 5321 §4.1.1.4).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import { attemptFromError } from '../attempt-record.js';
import { type BackoffOptions, backoffDelay } from '../backoff.js';
import type { Attempt, Envelope, JobInfo, Lease, SendResult } from '../job-queue.js';
import { decideRetry } from '../retry-decision.js';
import { fsyncDirectory, unlinkIfExists, writeFileDurable } from './spool-files.js';
import { attemptsMade, jobInfoOf, type SpoolRecord } from './spool-record.js';
import type { SpoolStore } from './spool-store.js';

export class SpoolLease implements Lease {
  readonly id: string;
  readonly envelope: Envelope;
  readonly messageId: string;
  readonly report: unknown;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly size: number;
  #record: SpoolRecord;
  #dataSent = false;
  #settled = false;
  readonly #store: SpoolStore;
  readonly #backoff: BackoffOptions;
  readonly #onSettled: (lease: SpoolLease) => void;

  constructor(
    store: SpoolStore,
    record: SpoolRecord,
    backoff: BackoffOptions,
    onSettled: (lease: SpoolLease) => void,
  ) {
    this.#store = store;
    this.#record = record;
    this.#backoff = backoff;
    this.#onSettled = onSettled;
    this.id = record.id;
    this.envelope = record.envelope;
    this.messageId = record.messageId;
    this.report = record.report;
    this.attempt = attemptsMade(record) + 1;
    this.maxAttempts = record.maxAttempts;
    this.size = record.size;
  }

  get settled(): boolean {
    return this.#settled;
  }

  openRaw(): Readable {
    return createReadStream(this.#store.bodyPath(this.id));
  }

  async markDataSent(): Promise<void> {
    this.#assertOpen();
    const marker = this.#store.dataSentPath(this.id);
    await writeFileDurable(
      marker,
      this.#store.tmpPath(`${this.id}.data-sent`),
      new Date().toISOString(),
    );
    await fsyncDirectory(this.#store.stateDir('sending'));
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
    return this.#settle({
      state: 'sent',
      attempts: [...this.#record.attempts, attempt],
      result: reply,
      ...(report === undefined ? {} : { report }),
    });
  }

  async retry(error: unknown): Promise<JobInfo> {
    const attempts = [...this.#record.attempts, attemptFromError(error, this.#dataSent)];
    const made = attempts.length - this.#record.budgetFrom;
    const decision = decideRetry(error, made, this.#record.maxAttempts);
    if (decision !== 'deferred') return this.#settle({ state: decision, attempts });
    const delay = backoffDelay(made, this.#backoff);
    return this.#settle({
      state: 'deferred',
      attempts,
      nextAttemptAt: new Date(Date.now() + delay).toISOString(),
    });
  }

  async fail(error: unknown): Promise<JobInfo> {
    return this.#settle({
      state: 'failed',
      attempts: [...this.#record.attempts, attemptFromError(error, this.#dataSent)],
    });
  }

  async ambiguous(error: unknown): Promise<JobInfo> {
    return this.#settle({
      state: 'ambiguous',
      attempts: [...this.#record.attempts, attemptFromError(error, true)],
    });
  }

  async release(): Promise<JobInfo> {
    if (this.#dataSent) {
      return this.ambiguous(
        new SealpostError('EAMBIGUOUS', 'The worker stopped after the message data was sent.'),
      );
    }
    // Untried: no attempt is recorded, the job keeps its place.
    return this.#settle({ state: 'queued' });
  }

  #assertOpen(): void {
    if (this.#settled) {
      throw new SealpostError('EJOB_LEASE', `Job ${this.id} was already settled by this lease.`);
    }
  }

  async #settle(change: Partial<SpoolRecord>): Promise<JobInfo> {
    this.#assertOpen();
    this.#settled = true;
    const { nextAttemptAt: _previous, ...rest } = this.#record;
    const next: SpoolRecord = { ...rest, ...change };
    try {
      await this.#store.write('sending', next);
    } catch (err) {
      // Nothing moved: the lease stays open, so the caller may try again or release.
      this.#settled = false;
      throw err;
    }
    try {
      await unlinkIfExists(this.#store.dataSentPath(this.id));
      // Sent bytes are not needed again; failed and ambiguous ones are kept for resend().
      if (next.state === 'sent') await unlinkIfExists(this.#store.bodyPath(this.id));
      await this.#store.unlock(this.id);
    } finally {
      this.#onSettled(this);
    }
    this.#record = next;
    return jobInfoOf(next);
  }
}

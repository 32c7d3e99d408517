/** The JSON record of one spooled job (the body lives beside it in bodies/<id>.eml). */
import type { Attempt, Envelope, JobInfo, JobState, SendResult } from '../job-queue.js';

export interface SpoolRecord {
  readonly version: 1;
  readonly id: string;
  readonly state: JobState;
  readonly envelope: Envelope;
  readonly messageId: string;
  readonly report: unknown;
  readonly attempts: readonly Attempt[];
  readonly maxAttempts: number;
  readonly size: number;
  readonly idempotencyKey?: string;
  readonly createdAt: string;
  readonly nextAttemptAt?: string;
  readonly result?: SendResult;
  /** Index into `attempts` where the current attempt budget starts (moves on resend). */
  readonly budgetFrom: number;
}

export function jobInfoOf(record: SpoolRecord): JobInfo {
  const { version: _version, budgetFrom: _budgetFrom, ...info } = record;
  return info;
}

/** Attempts counted against `maxAttempts` since enqueue or the last resend. */
export function attemptsMade(record: SpoolRecord): number {
  return record.attempts.length - record.budgetFrom;
}

/** What a BullMQ job carries: the envelope, the report, the attempt log; never the body. */
import type { Job } from 'bullmq';
import type { Attempt, Envelope, JobInfo, JobState, SendResult } from '../job-queue.js';

export interface BullJobData {
  readonly v: 1;
  /** Random per enqueue: tells our add from an earlier one with the same job id. */
  readonly token: string;
  readonly envelope: Envelope;
  readonly messageId: string;
  readonly report: unknown;
  readonly size: number;
  readonly idempotencyKey?: string;
  readonly createdAt: string;
  readonly attempts: readonly Attempt[];
  /** Index into `attempts` where the current attempt budget starts (moves on resend). */
  readonly budgetFrom: number;
  readonly result?: SendResult;
}

export type BullJob = Job<BullJobData>;

/** BullMQ's own states, seen through the six the API shows. */
export function jobStateOf(bullState: string, parked: boolean): JobState {
  switch (bullState) {
    case 'active':
      return 'sending';
    case 'completed':
      return 'sent';
    case 'delayed':
      return 'deferred';
    case 'failed':
      return parked ? 'ambiguous' : 'failed';
    default:
      return 'queued'; // waiting, prioritized, waiting-children
  }
}

export function jobInfoFromBull(
  job: BullJob,
  state: JobState,
  nextAttemptAt: number | undefined,
): JobInfo {
  const data = job.data;
  return {
    id: job.id ?? '',
    state,
    envelope: data.envelope,
    messageId: data.messageId,
    report: data.report,
    attempts: data.attempts,
    maxAttempts: job.opts.attempts ?? 1,
    size: data.size,
    ...(data.idempotencyKey === undefined ? {} : { idempotencyKey: data.idempotencyKey }),
    createdAt: data.createdAt,
    ...(state === 'deferred' && nextAttemptAt !== undefined
      ? { nextAttemptAt: new Date(nextAttemptAt).toISOString() }
      : {}),
    ...(data.result === undefined ? {} : { result: data.result }),
  };
}

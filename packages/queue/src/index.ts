export { attemptFromError } from './attempt-record.js';
export { type BackoffOptions, backoffDelay, DEFAULT_MAX_ATTEMPTS } from './backoff.js';
export { BullMqQueue, type BullMqQueueOptions } from './bullmq/bullmq-queue.js';
export { type ConsumeOptions, consume, type JobHandler } from './consume.js';
export {
  type Attempt,
  type ClaimOptions,
  type EnqueueRequest,
  type EnqueueResult,
  type Envelope,
  JOB_STATES,
  type JobInfo,
  type JobQueue,
  type JobState,
  type Lease,
  type ListOptions,
  type PruneOptions,
  type SendResult,
} from './job-queue.js';
export { decideRetry, type RetryDecision } from './retry-decision.js';
export { defaultSpoolDirectory } from './spool/default-spool-directory.js';
export { SpoolQueue, type SpoolQueueOptions } from './spool/spool-queue.js';
export type { RecoveryReport } from './spool/spool-recovery.js';

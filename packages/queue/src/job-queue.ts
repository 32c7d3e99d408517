/**
 * The one interface of the send-job queue (docs/decisions/0080-job-queue.md). The queue holds
 * only what it is given — the SMTP envelope (RFC 5321 §3.3), the already protected message
 * bytes and the pipeline's report — so it can never leak a plaintext, a key or a passphrase.
 */
import type { Readable } from 'node:stream';

/** The states an API client sees. */
export type JobState = 'queued' | 'sending' | 'sent' | 'deferred' | 'failed' | 'ambiguous';

export const JOB_STATES: readonly JobState[] = [
  'queued',
  'sending',
  'sent',
  'deferred',
  'failed',
  'ambiguous',
];

/** The SMTP envelope: MAIL FROM, RCPT TO (RFC 5321 §3.3) and whether SMTPUTF8 is needed (RFC 6531). */
export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
  readonly smtputf8?: boolean;
}

/** One delivery attempt as the job history shows it. */
export interface Attempt {
  /** ISO 8601 time the attempt ended. */
  readonly at: string;
  /** The SealpostError code, when the attempt failed with one. */
  readonly code?: string;
  /** The SMTP reply code, when the server answered. */
  readonly responseCode?: number;
  /** The server's reply (or, when it did not answer, what happened). */
  readonly response?: string;
  /** True when the message data had been transmitted (the final "." may have gone out). */
  readonly dataSent?: boolean;
}

/** A job as `get()` / `list()` report it. */
export interface JobInfo {
  readonly id: string;
  readonly state: JobState;
  readonly envelope: Envelope;
  /** The Message-ID of the queued bytes: the same on every attempt and resend. */
  readonly messageId: string;
  /** Opaque JSON from the pipeline ("who can read what"); the queue only stores it. */
  readonly report: unknown;
  readonly attempts: readonly Attempt[];
  readonly maxAttempts: number;
  /** Size of the queued message bytes. */
  readonly size: number;
  readonly idempotencyKey?: string;
  /** ISO 8601 time of enqueue. */
  readonly createdAt: string;
  /** For deferred jobs: ISO 8601 time of the next attempt (not before). */
  readonly nextAttemptAt?: string;
  /** For sent jobs: the server's final reply. */
  readonly result?: SendResult;
}

export interface EnqueueRequest {
  readonly envelope: Envelope;
  /** The protected message, exactly as it will go on the wire (CRLF line ends). */
  readonly raw: Uint8Array | Readable;
  readonly messageId: string;
  readonly report: unknown;
  /** A repeated enqueue with the same key returns the job of the first one. */
  readonly idempotencyKey?: string;
  /** Attempts before a transient failure becomes final; default the queue's own (8). */
  readonly maxAttempts?: number;
}

export interface EnqueueResult {
  readonly id: string;
  readonly state: JobState;
  /** False when the idempotency key named a job that already existed. */
  readonly created: boolean;
}

export interface SendResult {
  readonly responseCode?: number;
  /** The server's reply to the final "." (e.g. "250 2.0.0 Ok: queued as 4F2A1"). */
  readonly response?: string;
  /** A replacement report (e.g. with the TLS details of the delivery); default: keep. */
  readonly report?: unknown;
}

export interface ClaimOptions {
  /** How long to wait for a job when none is due; default 0 (return null at once). */
  readonly waitMs?: number;
  /** Gives up waiting when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * A claimed job. Exactly one of complete / retry / fail / ambiguous / release settles it;
 * any call after that throws EJOB_LEASE.
 */
export interface Lease {
  readonly id: string;
  readonly envelope: Envelope;
  readonly messageId: string;
  readonly report: unknown;
  /** Number of this attempt, from 1. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** True once one of the settling calls below has been made. */
  readonly settled: boolean;
  /** The size of the message in octets (what `openRaw` streams). */
  readonly size: number;
  /** The message bytes, streamed from the store. */
  openRaw(): Readable;
  /**
   * Call right before sending the final "." of DATA (RFC 5321 §4.1.1.4). Durable when it
   * resolves: a crash after this point parks the job as ambiguous instead of resending it.
   */
  markDataSent(): Promise<void>;
  complete(result?: SendResult): Promise<JobInfo>;
  /**
   * The attempt failed: ambiguous errors (`isAmbiguous()`) park the job, transient ones
   * (`isTransient()`) defer it with backoff while attempts remain, everything else fails it.
   */
  retry(error: unknown): Promise<JobInfo>;
  /** Fails the job now, with the server's reply from `error`. */
  fail(error: unknown): Promise<JobInfo>;
  /** Parks the job until an explicit `resend()`. */
  ambiguous(error: unknown): Promise<JobInfo>;
  /**
   * Gives the job back untried (graceful shutdown). After `markDataSent()` this parks it as
   * ambiguous instead: the data may have been delivered.
   */
  release(): Promise<JobInfo>;
}

export interface ListOptions {
  readonly state?: JobState;
  /** Default 100. */
  readonly limit?: number;
}

export interface PruneOptions {
  /** Sent and failed jobs whose last attempt ended more than this many ms ago are removed. */
  readonly olderThanMs: number;
  /** The time to count from; default now (tests move it). */
  readonly now?: Date;
}

/** The queue both adapters implement; the worker and the API see only this. */
export interface JobQueue {
  enqueue(request: EnqueueRequest): Promise<EnqueueResult>;
  get(id: string): Promise<JobInfo | undefined>;
  list(options?: ListOptions): Promise<JobInfo[]>;
  counts(): Promise<Record<JobState, number>>;
  /** The next due job for this consumer, or null when none is due (within `waitMs`). */
  claim(options?: ClaimOptions): Promise<Lease | null>;
  /** Puts a failed or ambiguous job back in the queue, with a fresh attempt budget. */
  resend(id: string): Promise<JobInfo>;
  /**
   * Removes sent and failed jobs older than the retention (record, body and idempotency key:
   * a later request with that key makes a new job). Ambiguous jobs are kept: they wait for an
   * operator's decision. Resolves with the number removed.
   */
  prune(options: PruneOptions): Promise<number>;
  /** Stops handing out jobs, waits for leases in flight to settle (bounded), then closes. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

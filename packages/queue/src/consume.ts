/**
 * The consumer loop the worker runs on any JobQueue: `concurrency` claim loops, each handing
 * one lease at a time to the handler. Graceful shutdown: when `signal` aborts, no new job is
 * claimed, handlers in flight are awaited (they get the signal to finish quickly), and a
 * lease a handler left unsettled is released (or parked, after the data-sent mark).
 */
import type { JobQueue, Lease } from './job-queue.js';

export type JobHandler = (lease: Lease, signal: AbortSignal) => Promise<void>;

export interface ConsumeOptions {
  /** Leases held at once; default 1. */
  readonly concurrency?: number;
  /** Aborting stops the loop; `consume()` resolves when every handler has returned. */
  readonly signal: AbortSignal;
  /** How long one claim waits for a due job before checking the signal again; default 1 s. */
  readonly idleWaitMs?: number;
  /** Told about errors the loop handled itself (a handler's throw, a failed release). */
  readonly onError?: (error: unknown, lease: Lease | undefined) => void;
}

export async function consume(
  queue: JobQueue,
  handler: JobHandler,
  options: ConsumeOptions,
): Promise<void> {
  const { signal } = options;
  const report = options.onError ?? (() => {});
  const loop = async () => {
    while (!signal.aborted) {
      let lease: Lease | null;
      try {
        lease = await queue.claim({ waitMs: options.idleWaitMs ?? 1_000, signal });
      } catch (err) {
        report(err, undefined);
        await new Promise((resolve) => setTimeout(resolve, options.idleWaitMs ?? 1_000));
        continue;
      }
      if (!lease) continue;
      let failure: { error: unknown } | undefined;
      try {
        await handler(lease, signal);
      } catch (error) {
        failure = { error };
        report(error, lease);
      }
      try {
        // The handler's error decides (transient → deferred, ambiguous → parked, else
        // failed); a handler that returned without settling gives the job back.
        if (!lease.settled) {
          if (failure) await lease.retry(failure.error);
          else await lease.release();
        }
      } catch (settleError) {
        report(settleError, lease);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, loop));
}

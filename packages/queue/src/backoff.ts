/**
 * Exponential backoff with jitter for transient failures (RFC 5321 §4.5.4.1 asks for retry
 * intervals of at least 30 minutes for MTAs; a submission client retries sooner, so the
 * base is configurable). Jitter spreads many deferred jobs so they do not return together.
 */
export interface BackoffOptions {
  /** Delay before the second attempt, before jitter; default 30 s. */
  readonly baseDelayMs?: number;
  /** Cap for one delay; default 1 h. */
  readonly maxDelayMs?: number;
  /** Source of randomness in [0, 1); default Math.random (tests pass a fixed one). */
  readonly random?: () => number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/** Delay after the given failed attempt (1 = the first), in [half, full] of the exponential step. */
export function backoffDelay(failedAttempt: number, options: BackoffOptions = {}): number {
  const base = options.baseDelayMs ?? 30_000;
  const max = options.maxDelayMs ?? 3_600_000;
  const random = options.random ?? Math.random;
  const step = Math.min(max, base * 2 ** Math.max(0, failedAttempt - 1));
  // "Equal jitter": never less than half the step, so a retry storm cannot collapse to zero.
  return Math.round(step / 2 + (step / 2) * random());
}

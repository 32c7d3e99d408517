/** Where a failed attempt sends the job: the one rule both adapters share. */
import { isAmbiguous, isTransient } from '@sealpost/errors';

export type RetryDecision = 'deferred' | 'failed' | 'ambiguous';

/**
 * Ambiguous errors (the connection dropped after the final ".") park the job; transient
 * ones (4xx, timeouts, refused connections) retry while attempts remain; everything else,
 * including unknown errors, fails at once (RFC 5321 §4.2.1: 5yz means do not repeat).
 */
export function decideRetry(
  error: unknown,
  attemptsMade: number,
  maxAttempts: number,
): RetryDecision {
  if (isAmbiguous(error)) return 'ambiguous';
  if (isTransient(error) && attemptsMade < maxAttempts) return 'deferred';
  return 'failed';
}

import { SealpostError } from '@sealpost/errors';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { decideRetry } from './retry-decision.js';

describe('backoffDelay', () => {
  it('doubles per attempt, stays within [half, full] of the step, and is capped', () => {
    const options = { baseDelayMs: 1_000, maxDelayMs: 10_000 };
    expect(backoffDelay(1, { ...options, random: () => 0 })).toBe(500);
    expect(backoffDelay(1, { ...options, random: () => 0.999999 })).toBe(1_000);
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(2_000);
    expect(backoffDelay(20, { ...options, random: () => 0.999999 })).toBe(10_000);
  });

  it('spreads delays (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('decideRetry', () => {
  const tempFail = new SealpostError('ETEMPFAIL', 'later', { responseCode: 451 });
  it('defers transient failures while attempts remain, then fails them', () => {
    expect(decideRetry(tempFail, 1, 3)).toBe('deferred');
    expect(decideRetry(tempFail, 3, 3)).toBe('failed');
    expect(decideRetry(new SealpostError('ETIMEDOUT', 'slow'), 1, 3)).toBe('deferred');
  });
  it('fails permanent, policy and unknown errors at once; parks ambiguous ones', () => {
    expect(decideRetry(new SealpostError('EPERMFAIL', 'no', { responseCode: 550 }), 1, 8)).toBe(
      'failed',
    );
    expect(decideRetry(new SealpostError('EPOLICY', 'no key'), 1, 8)).toBe('failed');
    expect(decideRetry(new Error('bug'), 1, 8)).toBe('failed');
    // A 5xx reply code wins over a transient code's default (RFC 5321 §4.2.1).
    expect(decideRetry(new SealpostError('ETEMPFAIL', 'x', { responseCode: 554 }), 1, 8)).toBe(
      'failed',
    );
    expect(decideRetry(new SealpostError('EAMBIGUOUS', 'lost after dot'), 1, 8)).toBe('ambiguous');
  });
});

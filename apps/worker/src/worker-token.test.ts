import { SealpostError } from '@sealpost/errors';
import { describe, expect, it } from 'vitest';
import { bearerToken, readWorkerToken } from './worker-token.js';

describe('readWorkerToken', () => {
  it('refuses to start without a token or with a short one', () => {
    expect(() => readWorkerToken({})).toThrow(SealpostError);
    expect(() => readWorkerToken({ SEALPOST_WORKER_TOKEN: 'short' })).toThrow(/too short/);
  });

  it('matches only the exact token and derives a cookie value that is not the token', () => {
    const token = readWorkerToken({ SEALPOST_WORKER_TOKEN: 'a-long-enough-token-123' });
    expect(token.matches('a-long-enough-token-123')).toBe(true);
    expect(token.matches('a-long-enough-token-12')).toBe(false);
    expect(token.matches(undefined)).toBe(false);
    expect(token.sessionValue).not.toContain('a-long-enough-token-123');
  });
});

describe('bearerToken', () => {
  it('reads RFC 6750 bearer credentials only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { defaultPgpThreads } from './serve.js';

describe('defaultPgpThreads', () => {
  it('leaves one core to the main threads and shares the rest among the API processes', () => {
    expect(defaultPgpThreads(1, 2)).toBe(1);
    expect(defaultPgpThreads(1, 8)).toBe(7);
    expect(defaultPgpThreads(2, 2)).toBe(0);
    expect(defaultPgpThreads(3, 8)).toBe(2);
    expect(defaultPgpThreads(1, 1)).toBe(0);
  });
});

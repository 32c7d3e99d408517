import { describe, expect, it } from 'vitest';
import { parseServeOptions } from './serve-options.js';

describe('parseServeOptions', () => {
  it('has the documented defaults', () => {
    expect(parseServeOptions([], { XDG_STATE_HOME: '/state' })).toMatchObject({
      role: 'both',
      host: '127.0.0.1',
      port: 8025,
      spool: '/state/sealpost/spool',
      concurrency: 4,
      maxBodyBytes: 25 * 1024 * 1024,
    });
  });

  it('reads every flag and refuses bad values', () => {
    const o = parseServeOptions(
      [
        '--role',
        'consumer',
        '--listen',
        '[::1]:9000',
        '--redis',
        'redis://h:1',
        '--concurrency',
        '8',
        '--pgp-threads',
        '0',
        '--keep-done',
        '7d',
      ],
      {},
    );
    expect(o).toMatchObject({
      role: 'consumer',
      host: '::1',
      port: 9000,
      redis: 'redis://h:1',
      concurrency: 8,
      pgpThreads: 0,
      keepDoneMs: 7 * 86_400_000,
    });
    expect(parseServeOptions(['--keep-done', '90s'], {}).keepDoneMs).toBe(90_000);
    for (const args of [
      ['--role', 'all'],
      ['--listen', 'nohost'],
      ['--concurrency', '0'],
      ['--keep-done', '7'],
      ['--keep-done', '0d'],
      ['--keep-done', '1w'],
      ['--pgp-threads', '-1'],
      ['--bogus'],
    ])
      expect(() => parseServeOptions(args, {})).toThrow(
        expect.objectContaining({ code: 'EUSAGE' }),
      );
  });
});

import * as fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

// What process.on('SIGTERM') had when the directory was made: mkdtempSync is wrapped.
const atMkdtemp: number[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    mkdtempSync: (...args: Parameters<typeof real.mkdtempSync>) => {
      atMkdtemp.push(process.listenerCount('SIGTERM'));
      return real.mkdtempSync(...args);
    },
  };
});

const { createSpoolDir } = await import('./spool-dir.js');

describe('createSpoolDir and signals', () => {
  afterEach(() => {
    atMkdtemp.length = 0;
  });

  it('has its SIGTERM handler in place before the directory exists (no window to leave it)', async () => {
    const before = process.listenerCount('SIGTERM');
    const spool = createSpoolDir();
    try {
      expect(atMkdtemp).toEqual([before + 1]);
      expect(fs.existsSync(spool.path)).toBe(true);
    } finally {
      await spool.remove();
    }
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('takes its handlers away again when the directory cannot be made', () => {
    const before = process.listenerCount('SIGTERM');
    expect(() => createSpoolDir('/nonexistent-sealpost-base')).toThrow();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

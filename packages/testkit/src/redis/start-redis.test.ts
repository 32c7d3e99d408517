import { describe, expect, it } from 'vitest';
import { startRedis } from './start-redis.js';

describe('startRedis', () => {
  it('answers on a loopback port and keeps AOF data across a SIGKILL restart', async () => {
    await using redis = await startRedis({ appendOnly: true });
    expect(redis.host).toBe('127.0.0.1');
    expect(await redis.command('SET sealpost:probe kept')).toBe('+OK\r\n');
    await redis.restart();
    expect(await redis.command('EXISTS sealpost:probe')).toBe(':1\r\n');
    const dump = await redis.snapshot();
    expect(dump.includes('sealpost:probe')).toBe(true);
  });

  it('stop() removes its directory and frees the port', async () => {
    const redis = await startRedis();
    await redis.stop();
    await expect(redis.command('PING', 500)).rejects.toThrow();
    await redis.stop();
  });
});

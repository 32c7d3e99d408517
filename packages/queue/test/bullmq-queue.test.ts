import { type RedisInstance, startRedis } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMqQueue, type BullMqQueueOptions } from '../src/index.js';
import { describeJobQueueContract, job, type QueueHarness } from './job-queue-contract.js';

let redis: RedisInstance;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let queueCounter = 0;

function options(name: string, extra: Partial<BullMqQueueOptions> = {}): BullMqQueueOptions {
  return {
    connection: { host: redis.host, port: redis.port, connectTimeout: 2_000 },
    name,
    backoff: { baseDelayMs: 50, maxDelayMs: 200 },
    pollIntervalMs: 20,
    ...extra,
  };
}

async function bullHarness(): Promise<QueueHarness> {
  // A fresh queue name per test: the tests share one server and never see each other's jobs.
  const name = `contract-${++queueCounter}`;
  const opened: BullMqQueue[] = [];
  const open = async () => {
    const queue = new BullMqQueue(options(name));
    await queue.ready();
    opened.push(queue);
    return queue;
  };
  return {
    queue: await open(),
    openAnother: open,
    storedBytes: () => redis.snapshot(),
    async dispose() {
      for (const queue of opened) await queue.close({ timeoutMs: 100 });
    },
  };
}

describeJobQueueContract('BullMQ on redis-server', bullHarness);

describe('BullMqQueue specifics', () => {
  it('keeps every key of a queue in one Redis Cluster slot (hash-tag prefix)', async () => {
    const queue = new BullMqQueue(options('slots'));
    await queue.enqueue(job({ idempotencyKey: 'slot-check' }));
    const keys = await queue.redis.keys('*slots*');
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) expect(key.startsWith('{sealpost}:slots:')).toBe(true);
    await queue.close();
  });

  it('refuses a body above maxBodyBytes with a clear limit and stores nothing', async () => {
    const queue = new BullMqQueue(options('too-large', { maxBodyBytes: 1024 }));
    await expect(queue.enqueue(job({ raw: Buffer.alloc(2048, 0x41) }))).rejects.toMatchObject({
      code: 'EJOB_TOO_LARGE',
      details: { maxBodyBytes: 1024 },
    });
    expect(await queue.redis.keys('*too-large:sealpost:body*')).toEqual([]);
    expect((await queue.counts()).queued).toBe(0);
    await queue.close();
  });
});

import { SealpostError } from '@sealpost/errors';
import { type RedisInstance, startRedis } from '@sealpost/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

  it('never shows a final state without the attempt that ended it (a get racing a settle)', async () => {
    const queue = new BullMqQueue(options('read-order'));
    const { id } = await queue.enqueue(job({ idempotencyKey: 'read-order' }));
    const lease = await queue.claim({ waitMs: 2_000 });
    if (!lease) throw new Error('expected a job to claim');
    // The lease fails the job right after get() has read the job's data, i.e. between the two
    // reads a get() makes: the state it then reads must not be newer than the data it has.
    const getJob = Queue.prototype.getJob;
    const spy = vi.spyOn(Queue.prototype, 'getJob').mockImplementationOnce(async function (
      this: Queue,
      jobId: string,
    ) {
      const read = await getJob.call(this, jobId);
      await lease.fail(
        new SealpostError('EREJECTED', 'The server refused the message.', {
          responseCode: 550,
          response: '550 5.7.1 Relaying denied',
        }),
      );
      return read;
    });
    try {
      const seen = await queue.get(id);
      if (seen?.state === 'failed') expect(seen.attempts).toHaveLength(1);
      else expect(seen?.state).toBe('sending');
      const settled = await queue.get(id);
      expect(settled?.state).toBe('failed');
      expect(settled?.attempts.at(-1)?.response).toBe('550 5.7.1 Relaying denied');
    } finally {
      spy.mockRestore();
      await queue.close();
    }
  });
});

/**
 * BullMQ adapter under the conditions it exists for: several consumers on one Redis, a
 * Redis restart mid-run, and a consumer killed (SIGKILL) after the data-sent mark.
 */
import { type RedisInstance, startRedis } from '@sealpost/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BullMqQueue, type BullMqQueueOptions, type JobQueue } from '../src/index.js';
import { job } from './job-queue-contract.js';
import { killConsumerAt, killLeftoverConsumers } from './kill-consumer.js';

let redis: RedisInstance;
beforeAll(async () => {
  // AOF with fsync on every write: the restart test must not lose acknowledged writes.
  redis = await startRedis({ appendOnly: true });
});
afterAll(async () => {
  await redis?.stop();
});
const opened: BullMqQueue[] = [];
afterEach(async () => {
  killLeftoverConsumers();
  for (const queue of opened.splice(0)) await queue.close({ timeoutMs: 100 });
});

function open(name: string, extra: Partial<BullMqQueueOptions> = {}): BullMqQueue {
  const queue = new BullMqQueue({
    connection: { host: redis.host, port: redis.port, connectTimeout: 2_000 },
    name,
    backoff: { baseDelayMs: 50, maxDelayMs: 200 },
    pollIntervalMs: 10,
    ...extra,
  });
  opened.push(queue);
  return queue;
}

/** Claims and completes until the queue stays empty for `idleMs`; returns the ids it got. */
/**
 * Claims and completes until a claim waits `idleMs` in vain and `finished()` (default: at once)
 * says nothing is left, or until the deadline.
 */
async function drain(
  queue: JobQueue,
  idleMs: number,
  deadlineMs: number,
  finished: () => Promise<boolean> = async () => true,
): Promise<string[]> {
  const got: string[] = [];
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const lease = await queue.claim({ waitMs: idleMs });
    if (!lease && (await finished())) break;
    if (!lease) continue;
    got.push(lease.id);
    try {
      await lease.complete({ response: '250 ok' });
    } catch (err) {
      // A reply lost in a Redis restart: the move happened, the lock is gone.
      if ((err as { code?: string }).code !== 'EJOB_LEASE') throw err;
    }
  }
  return got;
}

describe('BullMqQueue with several consumers', () => {
  it('two consumers on one Redis share 1000 jobs, each handed out exactly once', async () => {
    const producer = open('share');
    const total = 1_000;
    const ids = new Set<string>();
    for (let i = 0; i < total; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => producer.enqueue(job())));
      for (const { id } of batch) ids.add(id);
    }
    const [a, b] = await Promise.all([
      drain(open('share'), 500, 50_000),
      drain(open('share'), 500, 50_000),
    ]);
    const all = [...a, ...b];
    expect(all).toHaveLength(total);
    expect(new Set(all)).toEqual(ids);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(await producer.counts()).toMatchObject({ sent: total, queued: 0, sending: 0 });
  }, 90_000);

  it('loses no job when Redis is restarted mid-run', async () => {
    const producer = open('restart');
    const total = 200;
    for (let i = 0; i < total; i++) await producer.enqueue(job());
    // A completion sent while Redis is down may never reach it: that job stays active until
    // its lock expires and the stalled-job check puts it back (at least once, not lost). Short
    // locks bring it back sooner, and the drains go on until no job is waiting or being sent
    // (two clean-clone runs, under load, ended with one job still "sending" after an idle wait
    // of 3 s and of 6 s). A job that never came back still fails the test at the deadline.
    const recovery = { lockDurationMs: 2_000, stalledIntervalMs: 1_000 };
    const consumers = [open('restart', recovery), open('restart', recovery)];
    const nothingLeft = async () => {
      const { queued, sending, deferred } = await producer.counts();
      return queued === 0 && sending === 0 && deferred === 0;
    };
    const running = consumers.map((consumer) => drain(consumer, 1_000, 60_000, nothingLeft));
    // Restart once the consumers are under way.
    while ((await producer.counts()).sent < 40) await new Promise((r) => setTimeout(r, 10));
    expect((await producer.counts()).sent).toBeLessThan(total);
    await redis.restart({ downMs: 300 });
    const got = (await Promise.all(running)).flat();
    const counts = await producer.counts();
    expect(counts).toMatchObject({ sent: total, queued: 0, sending: 0, failed: 0 });
    expect(new Set(got).size).toBe(total);
  }, 90_000);

  it('rate-limits claims across consumers (BullMQ limiter)', async () => {
    const limited = { max: 5, duration: 2_000 };
    const producer = open('limited', { limiter: limited });
    for (let i = 0; i < 12; i++) await producer.enqueue(job());
    const consumer = open('limited', { limiter: limited });
    const started = Date.now();
    let claimed = 0;
    while (Date.now() - started < 1_000) {
      const lease = await consumer.claim({ waitMs: 50 });
      if (lease) {
        claimed++;
        await lease.complete();
      }
    }
    expect(claimed).toBe(5);
  });
});

describe('BullMqQueue when a consumer is killed (SIGKILL)', () => {
  const fastStall = { lockDurationMs: 1_000, stalledIntervalMs: 300 };

  it('after the data-sent mark: the stalled job is parked as ambiguous, not resent', async () => {
    const producer = open('stall-sent', fastStall);
    const { id } = await producer.enqueue(job());
    expect(await killConsumerAt(['bullmq', String(redis.port), 'stall-sent', 'data-sent'])).toBe(
      id,
    );
    const survivor = open('stall-sent', fastStall);
    // BullMQ's stalled check returns the job once its lock expires; the claim parks it.
    expect(await survivor.claim({ waitMs: 4_000 })).toBeNull();
    const info = await producer.get(id);
    expect(info?.state).toBe('ambiguous');
    expect(info?.attempts).toEqual([
      expect.objectContaining({ code: 'EAMBIGUOUS', dataSent: true }),
    ]);
    expect((await producer.counts()).ambiguous).toBe(1);
    await producer.resend(id);
    const lease = await survivor.claim({ waitMs: 2_000 });
    expect(lease?.id).toBe(id);
    await lease?.complete();
  });

  it('before the data was sent: the stalled job is handed out again', async () => {
    const producer = open('stall-early', fastStall);
    const { id } = await producer.enqueue(job());
    expect(await killConsumerAt(['bullmq', String(redis.port), 'stall-early', 'claimed'])).toBe(id);
    const survivor = open('stall-early', fastStall);
    const lease = await survivor.claim({ waitMs: 4_000 });
    expect(lease?.id).toBe(id);
    await lease?.complete();
    expect((await producer.get(id))?.state).toBe('sent');
  });
});

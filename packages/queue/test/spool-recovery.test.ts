import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolQueue } from '../src/index.js';
import { job } from './job-queue-contract.js';
import {
  killLeftoverConsumers,
  killConsumerAt as killSpawned,
  runDrainingConsumer,
} from './kill-consumer.js';

const dirs: string[] = [];

afterEach(async () => {
  killLeftoverConsumers();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function spoolDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sealpost-spool-'));
  dirs.push(dir);
  return dir;
}

const killConsumerAt = (directory: string, stage: string) =>
  killSpawned(['spool', directory, stage]);

describe('spool recovery after a consumer is killed (SIGKILL)', () => {
  it('killed after the data-sent mark: the job is parked as ambiguous, not resent', async () => {
    const directory = await spoolDir();
    const setup = await SpoolQueue.open({ directory });
    const { id } = await setup.enqueue(job());
    await setup.close();
    expect(await killConsumerAt(directory, 'data-sent')).toBe(id);

    const queue = await SpoolQueue.open({ directory });
    const info = await queue.get(id);
    expect(info?.state).toBe('ambiguous');
    expect(info?.attempts).toEqual([
      expect.objectContaining({ code: 'EAMBIGUOUS', dataSent: true }),
    ]);
    expect(await queue.claim()).toBeNull();
    expect(await readdir(join(directory, 'active'))).toEqual([]);
    expect(await readdir(join(directory, 'locks'))).toEqual([]);
    // The explicit request sends it again, with the same Message-ID.
    await queue.resend(id);
    const lease = await queue.claim();
    expect(lease?.messageId).toBe(info?.messageId);
    await lease?.complete();
    await queue.close();
  });

  it('killed before the data was sent: the job goes back to the queue, the attempt counted', async () => {
    const directory = await spoolDir();
    const setup = await SpoolQueue.open({ directory });
    const { id } = await setup.enqueue(job());
    await setup.close();
    expect(await killConsumerAt(directory, 'claimed')).toBe(id);

    // While nobody recovered it, the job stays claimed by the dead process.
    const queue = await SpoolQueue.open({ directory });
    const info = await queue.get(id);
    expect(info?.state).toBe('queued');
    expect(info?.attempts).toEqual([expect.objectContaining({ code: 'ECONNLOST' })]);
    expect(info?.attempts[0]?.dataSent).toBeUndefined();
    const lease = await queue.claim();
    expect(lease?.id).toBe(id);
    expect(lease?.attempt).toBe(2);
    await lease?.complete();
    await queue.close();
  });

  it('leaves a live consumer’s job alone', async () => {
    const directory = await spoolDir();
    const first = await SpoolQueue.open({ directory });
    const { id } = await first.enqueue(job());
    const lease = await first.claim();
    const second = await SpoolQueue.open({ directory });
    expect((await second.recover()).requeued).toEqual([]);
    expect((await second.get(id))?.state).toBe('sending');
    await lease?.complete();
    await first.close();
    await second.close();
  });

  it('rolls forward a state change cut short between rewrite and rename', async () => {
    const directory = await spoolDir();
    const queue = await SpoolQueue.open({ directory });
    const { id } = await queue.enqueue(job());
    const lease = await queue.claim();
    await lease?.complete();
    await queue.close();
    // As if the process died after rewriting the record (state "sent") but before the rename.
    await rename(join(directory, 'sent', `${id}.json`), join(directory, 'active', `${id}.json`));
    const reopened = await SpoolQueue.open({ directory });
    expect((await reopened.get(id))?.state).toBe('sent');
    expect(await readdir(join(directory, 'active'))).toEqual([]);
    await reopened.close();
  });
});

describe('spool shared by several processes', () => {
  it('two consumer processes on one spool send 200 jobs, each exactly once', async () => {
    const directory = await spoolDir();
    const producer = await SpoolQueue.open({ directory });
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add((await producer.enqueue(job())).id);
    const [a, b] = await Promise.all([
      runDrainingConsumer(['spool', directory], 60_000),
      runDrainingConsumer(['spool', directory], 60_000),
    ]);
    const all = [...a, ...b];
    expect(all).toHaveLength(200);
    expect(new Set(all)).toEqual(ids);
    expect((await producer.counts()).sent).toBe(200);
    await producer.close();
  }, 90_000);
});

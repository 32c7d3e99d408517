import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSpoolDirectory, SpoolQueue } from '../src/index.js';
import { describeJobQueueContract, job, type QueueHarness } from './job-queue-contract.js';

const fastBackoff = { baseDelayMs: 50, maxDelayMs: 200 };

/** Every file under `dir`, concatenated. */
async function readTree(dir: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry);
    if ((await stat(path)).isFile()) parts.push(Buffer.from(`${entry}\n`), await readFile(path));
  }
  return Buffer.concat(parts);
}

async function spoolHarness(): Promise<QueueHarness> {
  const directory = await mkdtemp(join(tmpdir(), 'sealpost-spool-'));
  const opened: SpoolQueue[] = [];
  const open = async () => {
    const queue = await SpoolQueue.open({ directory, backoff: fastBackoff, pollIntervalMs: 20 });
    opened.push(queue);
    return queue;
  };
  return {
    queue: await open(),
    openAnother: open,
    storedBytes: () => readTree(directory),
    async dispose() {
      for (const queue of opened) await queue.close({ timeoutMs: 100 });
      await rm(directory, { recursive: true, force: true });
    },
  };
}

describeJobQueueContract('spool', spoolHarness);

describe('SpoolQueue specifics', () => {
  it('refuses a body above maxBodyBytes and leaves no file behind', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sealpost-spool-'));
    const queue = await SpoolQueue.open({ directory, maxBodyBytes: 1024 });
    await expect(
      queue.enqueue(job({ raw: Buffer.alloc(2048, 0x41), idempotencyKey: 'big' })),
    ).rejects.toMatchObject({ code: 'EJOB_TOO_LARGE', details: { maxBodyBytes: 1024 } });
    for (const sub of ['tmp', 'bodies', 'keys', 'incoming']) {
      expect(await readdir(join(directory, sub))).toEqual([]);
    }
    await queue.close();
    await rm(directory, { recursive: true, force: true });
  });
});

describe('defaultSpoolDirectory', () => {
  it('uses $XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultSpoolDirectory({ XDG_STATE_HOME: '/state' })).toBe('/state/sealpost/spool');
    expect(defaultSpoolDirectory({ XDG_STATE_HOME: 'relative', HOME: '/home/u' })).toBe(
      '/home/u/.local/state/sealpost/spool',
    );
  });
});

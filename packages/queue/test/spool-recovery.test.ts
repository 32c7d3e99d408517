import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolQueue } from '../src/index.js';
import { job } from './job-queue-contract.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function spoolDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sealpost-spool-'));
  dirs.push(dir);
  return dir;
}

/** Runs test/spool-child.ts until it reports `stage`, then kills it with SIGKILL. */
async function killConsumerAt(directory: string, stage: 'claimed' | 'data-sent'): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--conditions=@sealpost/source', '--import', 'tsx', 'test/spool-child.ts', directory, stage],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child gave no sign in time: ${stderr}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = new RegExp(`^${stage} (\\S+)`, 'm').exec(chunk.toString());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return id;
}

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
    expect(info?.attempts).toEqual([expect.objectContaining({ code: 'EAMBIGUOUS', dataSent: true })]);
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
});

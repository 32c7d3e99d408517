/**
 * sealpost-worker end to end: jobs/s from the first POST to the last message at a local
 * implicit-TLS sink, for signed+encrypted (OpenPGP) 1 KiB messages, spool and BullMQ, worker
 * --concurrency 1 and 8; 8 HTTP clients post at once. Target: ≥ 200 jobs/s with BullMQ on a
 * 2-core machine. Spawns the BUILT worker: build first (pnpm build).
 *
 * Run: pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source worker.bench.ts
 * Env: BENCH_JOBS (default 400); BENCH_ONLY a comma list of variants to run (e.g.
 * `bullmq/both/8,spool/both/8`); BENCH_WORKER_ARGS extra flags for every worker process (e.g.
 * `--pgp-threads 0`); BENCH_PROFILE=DIR writes a CPU profile of every worker process.
 * Besides the rates it prints the CPU time of the worker's processes (every thread and child,
 * from /proc, start-up excluded) per job: load from other processes distorts it far less.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKey } from '@sealpost/pgp';
import { sharedTestCa, startRedis, startSubmissionServer } from '@sealpost/testkit';

const jobs = Number(process.env.BENCH_JOBS ?? 400);
const bin = fileURLToPath(new URL('../apps/worker/dist/bin.js', import.meta.url));
const TOKEN = 'bench-token-0123456789abcdef';
const profileDir = process.env.BENCH_PROFILE;
const extraArgs = process.env.BENCH_WORKER_ARGS?.split(' ').filter(Boolean) ?? [];
const only = process.env.BENCH_ONLY?.split(',').map((v) => v.trim());
const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux

/** CPU ms (user + system, all threads) of a process and its descendants, from /proc. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let ms = (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1').trim();
      for (const child of children ? children.split(' ') : []) ms += cpuMs(Number(child));
    }
    return ms;
  } catch {
    return 0;
  }
}

const text = 'Quarterly figures follow. '.repeat(40).slice(0, 1024);

function startWorker(
  args: string[],
  env: NodeJS.ProcessEnv,
  wait: 'listening' | 'ready' = 'listening',
): Promise<{ url: string; child: ChildProcess }> {
  const flags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = spawn(process.execPath, [...flags, bin, 'serve', ...args, ...extraArgs], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c) => {
      log += c;
      const port = /listening on http:\/\/[^\s]+:(\d+)/.exec(log)?.[1];
      if ((port || wait === 'ready') && log.includes('ready'))
        resolve({ url: `http://127.0.0.1:${port}`, child });
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${log}`)));
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-worker-bench-'));
  const ca = await sharedTestCa();
  const sink = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate: await ca.issueServerCertificate(),
    keepData: false,
  });
  const redis = await startRedis();
  const [alice, me] = await Promise.all([
    generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    generateKey({ userIds: [{ email: 'me@example.net' }] }),
  ]);
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(join(dir, 'alice.asc'), alice.armoredPublicKey);
  writeFileSync(join(dir, 'me.sec.asc'), me.armoredPrivateKey);
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    SEALPOST_WORKER_TOKEN: TOKEN,
    SEALPOST_SERVER: `127.0.0.1:${sink.port}`,
    SEALPOST_TLS: 'implicit',
    SEALPOST_CA: join(dir, 'ca.pem'),
    SEALPOST_KEYS: join(dir, 'alice.asc'),
    SEALPOST_SIGN_KEY: join(dir, 'me.sec.asc'),
  };
  const rows: string[] = [];
  let run = 0;
  const variants = [
    ['spool', 1, false],
    ['spool', 8, false],
    ['bullmq', 1, false],
    ['bullmq', 8, false],
    ['spool', 8, true],
    ['bullmq', 8, true],
    ['bullmq', 8, 'api-processes'],
  ] as const;
  for (const [store, concurrency, split] of variants) {
    const name = `${store}/${split === 'api-processes' ? 'api2' : split ? 'split' : 'both'}/${concurrency}`;
    if (only && !only.includes(name)) continue;
    {
      run += 1;
      const queueArgs =
        store === 'spool'
          ? ['--spool', join(dir, `spool-${run}`)]
          : ['--redis', `${redis.url}/${run}`];
      const common = ['--concurrency', String(concurrency), ...queueArgs];
      // split: the API and the consumer as two processes (--role api / --role consumer).
      const worker = await startWorker(
        [
          '--listen',
          '127.0.0.1:0',
          ...common,
          ...(split === 'api-processes'
            ? ['--api-processes', '2']
            : split
              ? ['--role', 'api']
              : []),
        ],
        env,
      );
      const consumer =
        split === true
          ? await startWorker(['--role', 'consumer', ...common], env, 'ready')
          : undefined;
      const before = sink.messages.length;
      const cpuBefore = [worker, consumer].reduce((n, p) => n + (p ? cpuMs(p.child.pid!) : 0), 0);
      const started = performance.now();
      let next = 0;
      const body = JSON.stringify({
        from: 'me@example.net',
        to: ['alice@example.org'],
        subject: 'bench',
        text,
        encrypt: 'pgp',
        sign: 'pgp',
      });
      const client = async () => {
        while (next < jobs) {
          next += 1;
          const res = await fetch(`${worker.url}/v1/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body,
          });
          if (res.status !== 202)
            throw new Error(`POST answered ${res.status}: ${await res.text()}`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, client));
      const enqueued = (performance.now() - started) / 1000;
      while (sink.messages.length - before < jobs) await new Promise((r) => setTimeout(r, 20));
      const seconds = (performance.now() - started) / 1000;
      const cpu =
        [worker, consumer].reduce((n, p) => n + (p ? cpuMs(p.child.pid!) : 0), 0) - cpuBefore;
      rows.push(
        `| ${store.padEnd(6)} | ${(split === 'api-processes' ? '2 API + 1' : split ? 'api + consumer' : 'both').padEnd(14)} | ${String(concurrency).padStart(11)} | ${(jobs / enqueued).toFixed(0).padStart(12)} | ${(jobs / seconds).toFixed(0).padStart(13)} | ${(cpu / jobs).toFixed(1).padStart(10)} |`,
      );
      for (const p of [worker, consumer]) {
        if (!p) continue;
        p.child.kill('SIGTERM');
        await new Promise((r) => p.child.once('exit', r));
      }
    }
  }
  console.log(`${jobs} signed+encrypted 1 KiB jobs per run, 8 HTTP clients\n`);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end\n`,
  );
  console.log(
    '| store  | processes      | concurrency | enqueue /s   | end to end /s | CPU ms/job |',
  );
  console.log(
    '| ------ | -------------- | ----------- | ------------ | ------------- | ---------- |',
  );
  for (const r of rows) console.log(r);
  if (process.env.BENCH_REDIS_STATS) {
    // Redis commands per job (all BullMQ runs together), to count round trips.
    const { execFileSync } = await import('node:child_process');
    const port = new URL(redis.url).port;
    console.log(
      execFileSync('redis-cli', ['-p', port, 'info', 'commandstats'], { encoding: 'utf8' }),
    );
  }
  await sink.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();

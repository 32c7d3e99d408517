// Crash safety of the built worker on its spool: 300 jobs, the worker killed with SIGKILL at
// random points at least 10 times and restarted each time (clients resend their POSTs with the
// same Idempotency-Key). At the end no job is lost, and the sink saw each Message-ID at most
// once, except for jobs the worker parked as ambiguous.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  api,
  assertWorkerBuilt,
  startWorker,
  type WorkerProcess,
  waitUntil,
} from '../fixtures/worker-process.js';

const TOKEN = 'crash-token-0123456789abcdef';
const JOBS = 300;
const KILLS = 12;
let dir: string;
let server: RunningSubmissionServer;

beforeAll(async () => {
  assertWorkerBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-worker-crash-'));
  const ca = await sharedTestCa();
  const tls = await ca.issueServerCertificate();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  server = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function start(): Promise<WorkerProcess> {
  return startWorker(
    [
      '--listen',
      '127.0.0.1:0',
      '--spool',
      join(dir, 'spool'),
      '--concurrency',
      '4',
      '--retry-base-ms',
      '20',
      '--retry-max-ms',
      '100',
      '--max-attempts',
      '50',
    ],
    {
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_CACHE_HOME: join(dir, 'cache'),
      SEALPOST_WORKER_TOKEN: TOKEN,
      SEALPOST_SERVER: `127.0.0.1:${server.port}`,
      SEALPOST_TLS: 'implicit',
      SEALPOST_CA: join(dir, 'ca.pem'),
    },
  );
}

/** Posts every job not yet acknowledged (8 at a time) until done or the worker dies. */
async function postPending(
  worker: WorkerProcess,
  pending: Set<number>,
  ids: Map<number, string>,
): Promise<void> {
  const queue = [...pending];
  const lane = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      try {
        const res = await api(worker, '/v1/messages', {
          token: TOKEN,
          headers: { 'idempotency-key': `crash-${n}` },
          body: JSON.stringify({
            from: 'me@example.net',
            to: [`r${n}@example.com`],
            subject: `job ${n}`,
            text: `body ${n}`,
            encrypt: 'none',
          }),
        });
        if (res.status === 200 || res.status === 202) {
          pending.delete(n);
          ids.set(n, res.json.id);
        }
      } catch {
        return; // the worker was killed: resent after the restart
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
}

it('loses no job and sends none twice across SIGKILLs', async () => {
  const pending = new Set(Array.from({ length: JOBS }, (_, i) => i));
  const ids = new Map<number, string>();
  for (let kill = 0; kill < KILLS; kill++) {
    const worker = await start();
    const posting = postPending(worker, pending, ids);
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 500));
    await worker.kill();
    await posting;
  }
  // The kills hit a worker that was taking jobs, not an idle one.
  expect(JOBS - pending.size).toBeGreaterThan(0);
  const worker = await start();
  try {
    while (pending.size > 0) await postPending(worker, pending, ids);
    expect(ids.size).toBe(JOBS);
    await waitUntil(
      () => api(worker, '/metrics', { token: TOKEN }).then((r) => r.text),
      (text) =>
        ['queued', 'sending', 'deferred'].every((s) =>
          new RegExp(`sealpost_jobs\\{state="${s}"\\} 0\\b`).test(text),
        ),
      40_000,
    );
    const jobs = await Promise.all(
      [...ids.values()].map((id) =>
        api(worker, `/v1/messages/${id}`, { token: TOKEN }).then((r) => r.json),
      ),
    );
    const states = new Map<string, number>();
    for (const j of jobs) states.set(j.state, (states.get(j.state) ?? 0) + 1);
    console.info(
      `crash test: ${JSON.stringify(Object.fromEntries(states))}, sink saw ${server.messages.length}`,
    );
    expect(
      jobs.every((j) => ['sent', 'failed', 'ambiguous'].includes(j.state)),
      JSON.stringify([...states]),
    ).toBe(true);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(JOBS);
    const seen = new Map<string, number>();
    for (const m of server.messages) {
      const id = /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw.toString('latin1'))?.[1] ?? '';
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    for (const j of jobs) {
      const count = seen.get(j.messageId) ?? 0;
      if (j.state === 'sent') expect(count, j.id).toBeGreaterThanOrEqual(1);
      if (j.state !== 'ambiguous') expect(count, j.id).toBeLessThanOrEqual(1);
    }
  } finally {
    await worker.stop();
  }
}, 90_000);

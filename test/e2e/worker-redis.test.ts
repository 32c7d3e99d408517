// Two built workers on one Redis (BullMQ): 500 jobs each delivered exactly once, Redis killed
// and restarted mid-run without losing a job, 421/451 retried, 550 failed with the reply, and
// a grep of a Redis snapshot for the plaintext and the secrets of an encrypted job.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import {
  type RedisInstance,
  type RunningSubmissionServer,
  sharedTestCa,
  startRedis,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  assertWorkerBuilt,
  startWorker,
  type WorkerProcess,
  waitUntil,
} from '../fixtures/worker-process.js';

const TOKEN = 'redis-token-0123456789abcdef';
const SECRET = 'Acquisition target: Northwind, price 41.20';
const PASSPHRASE = 'redis-sender-pass-77';
const SMTP_PASSWORD = 'redis-submit-pw-91';
const JOBS = 500;
let dir: string;
let redis: RedisInstance;
let server: RunningSubmissionServer;
let workers: WorkerProcess[] = [];
const tempFailures = new Map<string, number>();

function env(): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    SEALPOST_WORKER_TOKEN: TOKEN,
    SEALPOST_SERVER: `127.0.0.1:${server.port}`,
    SEALPOST_TLS: 'implicit',
    SEALPOST_CA: join(dir, 'ca.pem'),
    SEALPOST_USER: 'me',
    SEALPOST_PASSWORD_ENV: 'PW',
    PW: SMTP_PASSWORD,
    SEALPOST_KEYS: join(dir, 'alice.asc'),
    SEALPOST_SIGN_KEY: join(dir, 'me.sec.asc'),
    SEALPOST_PASSPHRASE_ENV: 'PP',
    PP: PASSPHRASE,
  };
}

const RETRY = ['--retry-base-ms', '50', '--retry-max-ms', '200'];

beforeAll(async () => {
  assertWorkerBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-worker-redis-'));
  const ca = await sharedTestCa();
  const tls = await ca.issueServerCertificate();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  const [alice, sender] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }], passphrase: PASSPHRASE }),
  ]);
  writeFileSync(join(dir, 'alice.asc'), alice.armoredPublicKey);
  writeFileSync(join(dir, 'me.sec.asc'), sender.armoredPrivateKey);
  [redis, server] = await Promise.all([
    startRedis({ appendOnly: true }),
    startSubmissionServer({
      mode: 'implicit-tls',
      certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
      users: { me: SMTP_PASSWORD },
      rcptReply: (address) => {
        if (address.startsWith('refuse')) return { code: 550, message: '5.7.1 Relaying denied' };
        const left = tempFailures.get(address) ?? 0;
        if (left === 0) return undefined;
        tempFailures.set(address, left - 1);
        return { code: left % 2 ? 451 : 421, message: '4.7.0 Busy, try later' };
      },
    }),
  ]);
  workers = await Promise.all([
    startWorker(
      ['--redis', redis.url, '--listen', '127.0.0.1:0', '--concurrency', '4', ...RETRY],
      env(),
    ),
    startWorker(
      ['--redis', redis.url, '--role', 'consumer', '--concurrency', '4', ...RETRY],
      env(),
      { waitFor: 'ready' },
    ),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await server?.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const messageIdOf = (raw: Buffer) =>
  /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('latin1'))?.[1] ?? '';

describe('two workers on one Redis', () => {
  it('delivers 500 jobs exactly once, across a Redis restart', async () => {
    const [front] = workers;
    const ids = new Map<number, string>();
    const pending = Array.from({ length: JOBS }, (_, i) => i);
    let restarted: Promise<void> | undefined;
    const lane = async () => {
      for (let n = pending.shift(); n !== undefined; n = pending.shift()) {
        if (n === 200 && !restarted) restarted = redis.restart({ downMs: 500 });
        for (let tries = 0; !ids.has(n); tries++) {
          const res = await api(front!, '/v1/messages', {
            token: TOKEN,
            headers: { 'idempotency-key': `redis-${n}` },
            body: JSON.stringify({
              from: 'me@example.net',
              to: [`r${n}@example.com`],
              subject: `job ${n}`,
              text: `body ${n}`,
              encrypt: 'none',
            }),
          }).catch(() => undefined);
          if (res && (res.status === 202 || res.status === 200)) ids.set(n, res.json.id);
          else if (tries > 100)
            throw new Error(`job ${n} not accepted: ${res?.status} ${res?.text}`);
          else await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    await restarted;
    expect(new Set(ids.values()).size).toBe(JOBS);
    const wanted = new Set<string>();
    const jobs = await waitUntil(
      () =>
        Promise.all(
          [...ids.values()].map((id) =>
            api(front!, `/v1/messages/${id}`, { token: TOKEN }).then((r) => r.json),
          ),
        ),
      (list) => list.every((j) => j?.state === 'sent'),
      60_000,
    );
    for (const j of jobs) wanted.add(j.messageId);
    const seen = new Map<string, number>();
    for (const m of server.messages) {
      const id = messageIdOf(m.raw);
      if (wanted.has(id)) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect(seen.size).toBe(JOBS);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    // Both consumers took jobs: the front worker's own count of sends is less than all of them.
    const metrics = await api(front!, '/metrics', { token: TOKEN });
    const own = Number(
      /sealpost_attempts_total\{outcome="sent"\} (\d+)/.exec(metrics.text)?.[1] ?? 0,
    );
    expect(own).toBeGreaterThan(0);
    expect(own).toBeLessThan(JOBS);
  }, 120_000);

  it('retries 421/451 until accepted and fails a 550 with the reply in the job', async () => {
    const [front] = workers;
    tempFailures.set('busy@example.com', 4);
    const post = (to: string) =>
      api(front!, '/v1/messages', {
        token: TOKEN,
        body: JSON.stringify({
          from: 'me@example.net',
          to: [to],
          subject: 's',
          text: 't',
          encrypt: 'none',
        }),
      });
    const [busy, refused] = await Promise.all([
      post('busy@example.com'),
      post('refuse@example.com'),
    ]);
    const settle = (id: string) =>
      waitUntil(
        () => api(front!, `/v1/messages/${id}`, { token: TOKEN }),
        (r) => ['sent', 'failed'].includes(r.json?.state),
        30_000,
      );
    const [b, r] = await Promise.all([settle(busy.json.id), settle(refused.json.id)]);
    expect(b.json.state).toBe('sent');
    expect(
      b.json.attempts.filter((a: { response?: string }) => /^4\d\d/.test(a.response ?? '')),
    ).toHaveLength(4);
    expect(r.json.state).toBe('failed');
    expect(r.json.attempts.at(-1).response).toMatch(/550 5\.7\.1 Relaying denied/);
  }, 60_000);
});

describe('what Redis holds', () => {
  it('holds no plaintext of an encrypted job and no secret', async () => {
    // An API-only worker on another Redis database: the job stays queued with its body.
    const apiOnly = await startWorker(
      ['--redis', `${redis.url}/3`, '--role', 'api', '--listen', '127.0.0.1:0'],
      env(),
    );
    try {
      const posted = await api(apiOnly, '/v1/messages', {
        token: TOKEN,
        body: JSON.stringify({
          from: 'me@example.net',
          to: ['alice@example.org'],
          subject: 'deal',
          text: SECRET,
          encrypt: 'pgp',
          sign: 'pgp',
        }),
      });
      expect(posted.status).toBe(202);
      const info = await api(apiOnly, `/v1/messages/${posted.json.id}`, { token: TOKEN });
      const dump = (await redis.snapshot()).toString('latin1');
      expect(dump).toContain(info.json.messageId);
      expect(dump).toContain('BEGIN PGP MESSAGE');
      for (const secret of [SECRET, 'Northwind', PASSPHRASE, SMTP_PASSWORD, TOKEN])
        expect(dump).not.toContain(secret);
    } finally {
      await apiOnly.stop();
    }
  });
});

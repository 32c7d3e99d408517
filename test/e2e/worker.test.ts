// `sealpost-worker serve` end to end: the built binary, a real TLS submission server with the
// test CA, real OpenPGP keys. Protect at enqueue, delivery, retries, refusals, hostile clients,
// and a grep of the spool for what must never be in it.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import {
  type RunningSubmissionServer,
  sharedTestCa,
  startDropAfterDataServer,
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

const TOKEN = 'test-token-0123456789abcdef';
const SECRET = 'Quarterly numbers: 7,341,902 — do not forward.';
const PASSPHRASE = 'sender-pass-Zq81';
const SMTP_PASSWORD = 'submit-pw-Kx42';
let dir: string;
let server: RunningSubmissionServer;
let worker: WorkerProcess;
let apiOnly: WorkerProcess;
const tempFailures = new Map<string, number>();
const file = (name: string) => join(dir, name);

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    XDG_CONFIG_HOME: file('xdg-config'),
    XDG_STATE_HOME: file('xdg-state'),
    XDG_DATA_HOME: file('xdg-data'),
    XDG_CACHE_HOME: file('xdg-cache'),
    SEALPOST_WORKER_TOKEN: TOKEN,
    SEALPOST_SERVER: `127.0.0.1:${server.port}`,
    SEALPOST_TLS: 'implicit',
    SEALPOST_CA: file('ca.pem'),
    SEALPOST_USER: 'me',
    SEALPOST_PASSWORD_ENV: 'PW',
    PW: SMTP_PASSWORD,
    SEALPOST_KEYS: file('alice.asc'),
    SEALPOST_SIGN_KEY: file('me.sec.asc'),
    SEALPOST_PASSPHRASE_ENV: 'PP',
    PP: PASSPHRASE,
    ...extra,
  };
}

const job = (body: Record<string, unknown>) =>
  JSON.stringify({ from: 'me@example.net', subject: 'Hello', text: SECRET, ...body });
const getJob = (w: WorkerProcess, id: string) => api(w, `/v1/messages/${id}`, { token: TOKEN });
const settled = (r: { json?: { state?: string } }) =>
  ['sent', 'failed', 'ambiguous'].includes(r.json?.state ?? '');

beforeAll(async () => {
  assertWorkerBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-worker-'));
  const ca = await sharedTestCa();
  const tls = await ca.issueServerCertificate();
  server = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
    users: { me: SMTP_PASSWORD },
    rcptReply: (address) => {
      if (address.startsWith('refuse')) return { code: 550, message: '5.1.1 No such user here' };
      const left = tempFailures.get(address) ?? 0;
      if (left > 0) {
        tempFailures.set(address, left - 1);
        return { code: left % 2 ? 451 : 421, message: '4.3.0 Try again later' };
      }
      return undefined;
    },
  });
  writeFileSync(file('ca.pem'), ca.certPem);
  const [alice, sender] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }], passphrase: PASSPHRASE }),
  ]);
  writeFileSync(file('alice.asc'), alice.armoredPublicKey);
  writeFileSync(file('me.sec.asc'), sender.armoredPrivateKey);
  mkdirSync(file('xdg-config'));
  [worker, apiOnly] = await Promise.all([
    startWorker(
      [
        '--listen',
        '127.0.0.1:0',
        '--spool',
        file('spool'),
        '--retry-base-ms',
        '50',
        '--retry-max-ms',
        '200',
      ],
      env(),
    ),
    startWorker(
      [
        '--role',
        'api',
        '--listen',
        '127.0.0.1:0',
        '--spool',
        file('api-spool'),
        '--max-body',
        '65536',
      ],
      env(),
    ),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([worker?.stop(), apiOnly?.stop()]);
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sealpost-worker serve', () => {
  it('refuses to start without a token', async () => {
    await expect(
      startWorker(
        ['--listen', '127.0.0.1:0', '--spool', file('no-token')],
        env({ SEALPOST_WORKER_TOKEN: '' }),
      ),
    ).rejects.toThrow(/EWORKER_TOKEN/);
  });

  it('signs and encrypts at enqueue and delivers with a stable Message-ID over verified TLS', async () => {
    const posted = await api(worker, '/v1/messages', {
      token: TOKEN,
      body: job({ to: ['alice@example.org'], encrypt: 'pgp', sign: 'pgp' }),
    });
    expect(posted.status).toBe(202);
    expect(posted.json).toMatchObject({ id: expect.any(String), state: 'queued' });
    const done = await waitUntil(() => getJob(worker, posted.json.id), settled);
    expect(done.json.state).toBe('sent');
    const message = done.json.report.messages[0];
    expect(message.endToEnd).toMatchObject({ scheme: 'pgp', sign: 'pgp' });
    expect(message.transport).toMatchObject({
      mode: 'implicit-tls',
      tls: { validation: 'verified' },
    });
    expect(message.exposure['submission-server'].body.visibility).toBe('hidden');
    expect(done.json.report.queued).toBe('end-to-end encrypted');
    const received = server.messages.filter((m) =>
      m.raw.toString('latin1').includes(done.json.messageId),
    );
    expect(received).toHaveLength(1);
    expect(received[0]!.secure).toBe(true);
    expect(received[0]!.raw.toString('utf8')).not.toContain(SECRET);
  });

  it('encrypts to a recipient key file replaced while it runs, without a restart', async () => {
    const post = async () => {
      const posted = await api(apiOnly, '/v1/messages', {
        token: TOKEN,
        body: job({ to: ['alice@example.org'], encrypt: 'pgp', sign: 'pgp' }),
      });
      expect(posted.status).toBe(202);
      const queued = await getJob(apiOnly, posted.json.id);
      return queued.json.report.decisions[0].key.fingerprint as string;
    };
    const before = await post();
    expect(await post()).toBe(before); // the cached key: same file, same key
    const rotated = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
    // How a key is rotated safely: write a new file and rename it over the old one.
    writeFileSync(file('alice.asc.new'), rotated.armoredPublicKey);
    renameSync(file('alice.asc.new'), file('alice.asc'));
    expect(await post()).toBe(rotated.fingerprint.toLowerCase());
  });

  it('sends transport-only jobs and says the queue held plaintext', async () => {
    const posted = await api(worker, '/v1/messages', {
      token: TOKEN,
      body: job({ to: ['carol@example.com'], encrypt: 'none' }),
    });
    expect(posted.status).toBe(202);
    const done = await waitUntil(() => getJob(worker, posted.json.id), settled);
    expect(done.json.state).toBe('sent');
    expect(done.json.report.queued).toBe('plaintext');
    expect(done.json.report.messages[0].exposure['submission-server'].body.visibility).toBe(
      'readable',
    );
  });

  it('takes a raw RFC 5322 message with the policy in the query', async () => {
    const raw = `From: me@example.net\r\nTo: alice@example.org\r\nSubject: raw\r\n\r\n${SECRET}\r\n`;
    const posted = await api(worker, '/v1/messages?encrypt=pgp&sign=none', {
      token: TOKEN,
      body: raw,
      headers: { 'content-type': 'message/rfc822' },
    });
    expect(posted.status).toBe(202);
    const done = await waitUntil(() => getJob(worker, posted.json.id), settled);
    expect(done.json).toMatchObject({ state: 'sent', report: { queued: 'end-to-end encrypted' } });
  });

  it('streams a large message through the spool to the server', async () => {
    const content = Buffer.alloc(6 * 1024 * 1024, 'sealpost large attachment ').toString('base64');
    const posted = await api(worker, '/v1/messages', {
      token: TOKEN,
      body: job({
        to: ['carol@example.com'],
        encrypt: 'none',
        attachments: [{ filename: 'big.bin', content }],
      }),
    });
    expect(posted.status).toBe(202);
    const done = await waitUntil(() => getJob(worker, posted.json.id), settled, 60_000);
    expect(done.json.state).toBe('sent');
    const received = server.messages.find((m) =>
      m.raw.toString('latin1').includes(done.json.messageId),
    );
    expect(received!.size).toBeGreaterThan(8 * 1024 * 1024);
  }, 90_000);

  it('returns the same job for a repeated Idempotency-Key', async () => {
    const init = {
      token: TOKEN,
      body: job({ to: ['carol@example.com'], encrypt: 'none' }),
      headers: { 'idempotency-key': 'order-4711' },
    };
    const first = await api(worker, '/v1/messages', init);
    const second = await api(worker, '/v1/messages', init);
    expect(first.status).toBe(202);
    expect(second.json.id).toBe(first.json.id);
  });

  it('retries 421/451 with backoff until the server takes the job', async () => {
    tempFailures.set('dave@example.com', 3);
    const posted = await api(worker, '/v1/messages', {
      token: TOKEN,
      body: job({ to: ['dave@example.com'], encrypt: 'none' }),
    });
    const done = await waitUntil(() => getJob(worker, posted.json.id), settled);
    expect(done.json.state).toBe('sent');
    expect(done.json.attempts.length).toBe(4);
    expect(done.json.attempts.slice(0, 3).map((a: { response?: string }) => a.response)).toEqual([
      expect.stringMatching(/^4\d\d/),
      expect.stringMatching(/^4\d\d/),
      expect.stringMatching(/^4\d\d/),
    ]);
  });

  it('fails a 550 at once, with the reply, and resends it on request', async () => {
    const posted = await api(worker, '/v1/messages', {
      token: TOKEN,
      body: job({ to: ['refuse@example.com'], encrypt: 'none' }),
    });
    const done = await waitUntil(() => getJob(worker, posted.json.id), settled);
    expect(done.json.state).toBe('failed');
    expect(done.json.attempts).toHaveLength(1);
    expect(done.json.attempts[0].response).toMatch(/550 5\.1\.1 No such user/);
    const resent = await api(worker, `/v1/messages/${posted.json.id}/resend`, {
      token: TOKEN,
      method: 'POST',
    });
    expect(resent.status).toBe(200);
    const again = await waitUntil(
      () => getJob(worker, posted.json.id),
      (r) => r.json.attempts.length === 2 && settled(r),
    );
    expect(again.json.state).toBe('failed');
  });

  it('lists jobs by state and serves metrics', async () => {
    const sent = await api(worker, '/v1/messages?state=sent', { token: TOKEN });
    expect(sent.status).toBe(200);
    expect(sent.json.jobs.length).toBeGreaterThanOrEqual(3);
    expect(sent.json.jobs.every((j: { state: string }) => j.state === 'sent')).toBe(true);
    const metrics = await api(worker, '/metrics', { token: TOKEN });
    expect(metrics.text).toMatch(/sealpost_jobs\{state="sent"\} \d+/);
    expect(metrics.text).toMatch(/sealpost_send_seconds_count [1-9]/);
    expect(metrics.text).toMatch(/sealpost_sent_tls_total\{mode="implicit-tls"\} [1-9]/);
    expect(metrics.text).toMatch(/sealpost_sent_end_to_end_ratio 0\.\d+/);
    expect((await api(worker, '/healthz')).status).toBe(200);
  });
});

describe('the ambiguous window and shutdown', () => {
  it('parks a job whose connection dropped after the data, and resends it only on request', async () => {
    const ca = await sharedTestCa();
    const tls = await ca.issueServerCertificate();
    const dropper = await startDropAfterDataServer({
      certPem: tls.certPem,
      keyPem: tls.keyPem,
      chainPem: tls.chainPem,
    });
    const w = await startWorker(
      ['--listen', '127.0.0.1:0', '--spool', file('drop-spool'), '--retry-base-ms', '50'],
      env({ SEALPOST_SERVER: `127.0.0.1:${dropper.port}`, SEALPOST_USER: '' }),
    );
    try {
      const posted = await api(w, '/v1/messages', {
        token: TOKEN,
        body: job({ to: ['carol@example.com'], encrypt: 'none' }),
      });
      const done = await waitUntil(() => getJob(w, posted.json.id), settled);
      expect(done.json.state).toBe('ambiguous');
      expect(done.json.attempts).toEqual([
        expect.objectContaining({ code: 'EAMBIGUOUS', dataSent: true }),
      ]);
      expect(done.json.report.messages[0].exposure).toBeDefined();
      await new Promise((r) => setTimeout(r, 500));
      expect(dropper.record.messages).toHaveLength(1); // not resent by itself
      const resent = await api(w, `/v1/messages/${posted.json.id}/resend`, {
        token: TOKEN,
        method: 'POST',
      });
      expect(resent.json.state).toBe('queued');
      await waitUntil(
        () => getJob(w, posted.json.id),
        (r) => r.json.attempts.length === 2 && settled(r),
      );
      expect(dropper.record.messages).toHaveLength(2);
    } finally {
      await w.stop();
      await dropper.close();
    }
  });

  it('runs the API in several processes on one port with --api-processes', async () => {
    const w = await startWorker(
      ['--listen', '127.0.0.1:0', '--spool', file('cluster-spool'), '--api-processes', '2'],
      env(),
    );
    try {
      expect(w.log()).toContain('(2 API processes)');
      const posted = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          api(w, '/v1/messages', {
            token: TOKEN,
            body: job({ to: [`c${i}@example.com`], encrypt: 'none' }),
          }),
        ),
      );
      expect(posted.map((p) => p.status)).toEqual(Array(6).fill(202));
      for (const p of posted) {
        const done = await waitUntil(() => getJob(w, p.json.id), settled);
        expect(done.json.state).toBe('sent');
      }
    } finally {
      expect(await w.stop()).toBe(0);
    }
  });

  it('--keep-done removes sent jobs past the retention; a bad duration is a usage error', async () => {
    await expect(
      startWorker(['--keep-done', '7', '--spool', file('keep-done-bad')], env()),
    ).rejects.toThrow(/EUSAGE/);
    const spool = file('keep-done');
    const first = await startWorker(['--listen', '127.0.0.1:0', '--spool', spool], env());
    const posted = await api(first, '/v1/messages', {
      token: TOKEN,
      body: job({ to: ['carol@example.com'], encrypt: 'none' }),
    });
    await waitUntil(() => getJob(first, posted.json.id), settled);
    await first.stop();
    await new Promise((r) => setTimeout(r, 1_100));
    // A second worker on the spool, retention 1 s: it prunes at start.
    const second = await startWorker(
      ['--listen', '127.0.0.1:0', '--spool', spool, '--keep-done', '1s'],
      env(),
    );
    try {
      await waitUntil(
        async () => second.log(),
        (log) => log.includes('pruned 1 sent or failed job past --keep-done'),
      );
      expect((await getJob(second, posted.json.id)).status).toBe(404);
    } finally {
      await second.stop();
    }
  });

  it('exits 0 on SIGTERM with no job left sending', async () => {
    const spool = file('term-spool');
    const w = await startWorker(['--listen', '127.0.0.1:0', '--spool', spool], env());
    const posts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api(w, '/v1/messages', {
          token: TOKEN,
          body: job({ to: [`t${i}@example.com`], encrypt: 'none' }),
        }),
      ),
    );
    expect(await w.stop()).toBe(0);
    expect(w.log()).toMatch(/shutting down[\s\S]*stopped/);
    const again = await startWorker(
      ['--role', 'api', '--listen', '127.0.0.1:0', '--spool', spool],
      env(),
    );
    try {
      for (const p of posts) {
        const state = (await getJob(again, p.json.id)).json.state;
        expect(['queued', 'sent']).toContain(state);
      }
    } finally {
      await again.stop();
    }
  });
});

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('what the queue holds', () => {
  it('holds no plaintext of an encrypted job, no passphrase and no SMTP password', async () => {
    const posted = await api(apiOnly, '/v1/messages', {
      token: TOKEN,
      body: job({ to: ['alice@example.org'], encrypt: 'pgp', sign: 'pgp' }),
    });
    expect(posted.status).toBe(202);
    const info = await getJob(apiOnly, posted.json.id);
    const spool = filesUnder(file('api-spool'))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
    expect(spool).toContain(info.json.messageId); // positive control: the job is there
    expect(spool).toContain('-----BEGIN PGP MESSAGE-----');
    for (const secret of [SECRET, 'Quarterly numbers', PASSPHRASE, SMTP_PASSWORD, TOKEN])
      expect(spool).not.toContain(secret);
  });
});

describe('hostile API clients', () => {
  async function jobCount(): Promise<number> {
    const list = await api(apiOnly, '/v1/messages?limit=1000', { token: TOKEN });
    return list.json.jobs.length;
  }

  it('refuses each and queues nothing', async () => {
    const before = await jobCount();
    const body = job({ to: ['carol@example.com'], encrypt: 'none' });
    const cases: [string, Parameters<typeof api>[2], number, string | undefined][] = [
      ['/v1/messages', { body }, 401, 'EWORKER_TOKEN'],
      ['/v1/messages', { body, token: 'wrong-token-0123456789' }, 401, 'EWORKER_TOKEN'],
      [
        '/v1/messages',
        { body, headers: { authorization: `Basic ${TOKEN}` } },
        401,
        'EWORKER_TOKEN',
      ],
      [
        '/v1/messages',
        { token: TOKEN, body: job({ to: ['carol@example.com'], text: 'x'.repeat(70_000) }) },
        413,
        'EJOB_TOO_LARGE',
      ],
      [
        '/v1/messages',
        { token: TOKEN, body: '{"from": "me@example.net", "to": [' },
        400,
        'EREQUEST',
      ],
      ['/v1/messages', { token: TOKEN, body: '[1,2]' }, 400, 'EREQUEST'],
      ['/v1/messages', { token: TOKEN, body: job({ to: 'carol@example.com' }) }, 400, 'EREQUEST'],
      [
        '/v1/messages',
        { token: TOKEN, body: job({ to: ['carol@@example.com'] }) },
        400,
        'EADDRESS',
      ],
      [
        '/v1/messages',
        {
          token: TOKEN,
          body: job({ to: ['carol@example.com'], subject: 'Hi\r\nBcc: eve@example.com' }),
        },
        400,
        'EHEADER',
      ],
      [
        '/v1/messages',
        {
          token: TOKEN,
          body: job({ to: ['carol@example.com'], headers: { 'X-A': 'a\r\nBcc: eve@example.com' } }),
        },
        400,
        'EHEADER',
      ],
      [
        '/v1/messages',
        { token: TOKEN, body: job({ to: ['carol@example.com'], policy: 'sometimes' }) },
        400,
        'EUSAGE',
      ],
      [
        '/v1/messages',
        { token: TOKEN, body: job({ to: ['carol@example.com'], encrypt: 'rot13' }) },
        400,
        'EUSAGE',
      ],
      [
        '/v1/messages',
        { token: TOKEN, body: job({ to: ['carol@example.com'], encrypt: 'pgp' }) },
        422,
        'EPOLICY',
      ],
      [
        '/v1/messages',
        {
          token: TOKEN,
          body: job({ to: ['carol@example.com'], encrypt: 'none', sign: 'smime' }),
        },
        400,
        'EUSAGE',
      ],
      [
        '/v1/messages',
        { token: TOKEN, body: 'x', headers: { 'content-type': 'text/plain' } },
        400,
        'EREQUEST',
      ],
      [
        '/v1/messages',
        { token: TOKEN, body, headers: { 'idempotency-key': 'a b' } },
        400,
        'EREQUEST',
      ],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await api(apiOnly, path, init);
      expect({ path, init: JSON.stringify(init).slice(0, 120), status: res.status }).toEqual({
        path,
        init: JSON.stringify(init).slice(0, 120),
        status,
      });
      if (code) expect(res.json?.error?.code).toBe(code);
    }
    expect(await jobCount()).toBe(before);
  });

  it('learns nothing about jobs without the token, and nothing of a job id that is not one', async () => {
    const posted = await api(apiOnly, '/v1/messages', {
      token: TOKEN,
      body: job({ to: ['carol@example.com'], encrypt: 'none' }),
    });
    const id = posted.json.id as string;
    for (const path of [
      `/v1/messages/${id}`,
      '/v1/messages',
      '/v1/messages?state=queued',
      '/metrics',
      `/v1/messages/${id}/resend`,
    ]) {
      for (const token of [null, 'wrong-token-0123456789']) {
        const res = await api(apiOnly, path, {
          token,
          ...(path.endsWith('resend') ? { method: 'POST' } : {}),
        });
        expect(res.status).toBe(401);
        expect(res.text).not.toContain(id);
        expect(res.text).not.toContain('carol');
      }
    }
    const dashboard = await api(apiOnly, '/', {});
    expect(dashboard.status).toBe(401);
    expect(dashboard.text).not.toContain(id);
    for (const other of [
      '00000000-0000-0000-0000-000000000000',
      '..%2F..%2Fetc%2Fpasswd',
      `${id}x`,
    ]) {
      const res = await api(apiOnly, `/v1/messages/${other}`, { token: TOKEN });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('EJOB_NOT_FOUND');
    }
    const resend = await api(apiOnly, `/v1/messages/${id}/resend`, {
      token: TOKEN,
      method: 'POST',
    });
    expect(resend.status).toBe(409);
  });
});

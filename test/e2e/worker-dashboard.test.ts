// The worker's dashboard in a real browser (Debian's chromium via playwright-core): sign in
// with the token, see a transport-only and an encrypted job with their exposure matrices
// (screenshots are not blank and differ), and a hostile Subject rendered as text, no script.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctImageBytes, launchChromium } from '../fixtures/chromium.js';
import {
  api,
  assertWorkerBuilt,
  startWorker,
  type WorkerProcess,
} from '../fixtures/worker-process.js';

const TOKEN = 'dashboard-token-0123456789';
const HOSTILE = '<img src=x onerror=alert(1)><script>document.title="owned"</script>';
let dir: string;
let worker: WorkerProcess;
let browser: BrowserContext;
let plainId: string;
let sealedId: string;

beforeAll(async () => {
  assertWorkerBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-worker-dash-'));
  const alice = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
  writeFileSync(join(dir, 'alice.asc'), alice.armoredPublicKey);
  worker = await startWorker(
    ['--role', 'api', '--listen', '127.0.0.1:0', '--spool', join(dir, 'spool')],
    {
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_DATA_HOME: join(dir, 'data'),
      SEALPOST_WORKER_TOKEN: TOKEN,
      SEALPOST_KEYS: join(dir, 'alice.asc'),
    },
  );
  const post = (body: object) =>
    api(worker, '/v1/messages', {
      token: TOKEN,
      body: JSON.stringify({ from: 'me@example.net', text: 'body', ...body }),
    });
  const [plain, sealed] = await Promise.all([
    post({ to: ['carol@example.com'], subject: HOSTILE, encrypt: 'none' }),
    post({ to: ['alice@example.org'], subject: 'Board minutes', encrypt: 'pgp' }),
  ]);
  expect([plain.status, sealed.status]).toEqual([202, 202]);
  plainId = plain.json.id;
  sealedId = sealed.json.id;
  browser = await launchChromium(join(dir, 'profile'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the dashboard in chromium', () => {
  it('asks for the token, then shows both jobs with their exposure matrices', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const first = await page.goto(`${worker.url}/`);
    expect(first?.status()).toBe(401);
    expect(await page.content()).not.toContain(plainId);
    await page.fill('#token', TOKEN);
    // The form posts and is redirected back to "/", the URL the page already has: wait for that
    // GET's answer (waitForURL would resolve at once and race the navigation still under way).
    await Promise.all([
      page.waitForResponse(
        (r) => r.url() === `${worker.url}/` && r.request().method() === 'GET' && r.status() === 200,
      ),
      page.click('button[type=submit]'),
    ]);
    await page.waitForLoadState('load');
    const response = await page.reload();
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");

    const plain = page.locator(`[data-job="${plainId}"]`);
    const sealed = page.locator(`[data-job="${sealedId}"]`);
    await expect(plain.locator('.badge').textContent()).resolves.toBe('transport only');
    await expect(sealed.locator('.badge').textContent()).resolves.toBe('end-to-end encrypted');
    // The submission server reads the body of the transport-only job, not of the encrypted one.
    const bodyCell = (job: typeof plain) =>
      job
        .locator('tr', { has: page.locator('th', { hasText: 'submission-server' }) })
        .locator('td')
        .first();
    await expect(bodyCell(plain).getAttribute('class')).resolves.toBe('readable');
    await expect(bodyCell(sealed).getAttribute('class')).resolves.toBe('hidden');
    expect(await plain.locator('td').count()).toBe(36);
    expect(await sealed.locator('td').count()).toBe(36);

    // The hostile Subject is text: no element, no script ran, no dialog.
    await expect(plain.locator('[data-testid=subject]').textContent()).resolves.toBe(HOSTILE);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).toBe('sealpost-worker');
    expect(dialogs).toEqual([]);
    // Header protection: the queue (and every server) sees "[...]" as the encrypted job's Subject.
    await expect(sealed.locator('[data-testid=subject]').textContent()).resolves.not.toContain(
      'Board minutes',
    );

    const shots = await Promise.all(
      [plain, sealed].map((j) => j.locator('table.exposure').screenshot()),
    );
    for (const shot of shots) expect(distinctImageBytes(shot)).toBeGreaterThan(20);
    expect(shots[0]!.equals(shots[1]!)).toBe(false);
    await page.close();
  });
});

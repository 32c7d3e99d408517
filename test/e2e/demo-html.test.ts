// `sealpost demo --html FILE` in a real browser (Debian's chromium driven by playwright-core,
// never a downloaded browser): a screenshot per path shows the rendered matrix, the DOM holds
// every cell, and a hostile Subject stays text.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctImageBytes, launchChromium } from '../fixtures/chromium.js';
import { assertBuilt, bin } from './run-cli.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const work = mkdtempSync(join(tmpdir(), 'sealpost-demo-html-'));
const page = join(work, 'demo.html');
let browser: BrowserContext;
let html: string;
let human: string;

beforeAll(async () => {
  assertBuilt();
  const run = spawnSync(bin, ['demo', '--html', page, '--subject', HOSTILE], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, NO_COLOR: '1', COLUMNS: '64' },
  });
  expect(run.status, run.stderr).toBe(0);
  human = run.stdout;
  html = readFileSync(page, 'utf8');
  browser = await launchChromium(join(work, 'profile'), { offline: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

const EXPECTED: Record<string, Record<string, Record<string, string>>> = {
  'tls-everywhere': {
    'network: relay → mailbox': {
      'transport-only': 'TLS records only',
      pgp: 'TLS records only',
      smime: 'TLS records only',
    },
    relay: {
      'transport-only': 'READS EVERYTHING',
      pgp: 'sees only sender, recipients, date, size',
      smime: 'sees only sender, recipients, date, size',
    },
  },
  'starttls-stripped': {
    'attacker: relay → mailbox': {
      'transport-only': 'READS EVERYTHING',
      pgp: 'sees only sender, recipients, date, size',
      smime: 'sees only sender, recipients, date, size',
    },
    "recipient's mailbox server": {
      'transport-only': 'READS EVERYTHING',
      pgp: 'sees only sender, recipients, date, size',
      smime: 'sees only sender, recipients, date, size',
    },
  },
  'mta-sts-enforce': {
    'attacker: relay → mailbox': {
      'transport-only': 'EHLO only, no message',
      pgp: 'EHLO only, no message',
      smime: 'EHLO only, no message',
    },
    "recipient's mailbox server": {
      'transport-only': 'nothing arrived',
      pgp: 'nothing arrived',
      smime: 'nothing arrived',
    },
  },
};

describe('sealpost demo --subject with COLUMNS=64', () => {
  it('keeps the human output within COLUMNS and shows the Subject as given', () => {
    const widest = Math.max(...human.split('\n').map((line) => [...line].length));
    expect(widest).toBeLessThanOrEqual(64);
    expect(human).toContain(`Subject "${HOSTILE}"`);
  });
});

describe('sealpost demo --html in Chromium', () => {
  it('is one self-contained file: no script, no external resource', () => {
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=["']?http/i);
    expect(html).not.toContain(HOSTILE);
  });

  it.each(Object.keys(EXPECTED))(
    'draws the %s path: its screenshot and its matrix',
    async (path) => {
      const tab = await browser.newPage();
      const dialogs: string[] = [];
      tab.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      try {
        await tab.goto(pathToFileURL(page).href);
        const section = tab.locator(`section[data-path="${path}"]`);
        const shot = await section.locator('table.matrix').screenshot({
          path: join(work, `${path}.png`),
        });
        expect(shot.length).toBeGreaterThan(10_000);
        expect(distinctImageBytes(shot)).toBeGreaterThan(32);
        const whole = await section.screenshot();
        expect(distinctImageBytes(whole)).toBeGreaterThan(32);
        const rows = await section.locator('table.matrix tbody tr').count();
        expect(rows).toBe(7);
        for (const [observer, cells] of Object.entries(EXPECTED[path]!)) {
          for (const [name, text] of Object.entries(cells)) {
            const td = section.locator(`td[data-case="${name}"][data-observer="${observer}"]`);
            expect((await td.textContent())?.trim(), `${observer} / ${name}`).toBe(text);
          }
        }
        expect(await section.locator('ol.mail-path li.node').allTextContents()).toEqual(
          expect.arrayContaining([
            'you',
            'submission server',
            'relay',
            "recipient's mailbox",
            'recipient',
          ]),
        );
        if (path !== 'tls-everywhere')
          expect(await section.locator('li.node.attacker').textContent()).toBe('attacker');
        expect(dialogs).toEqual([]);
      } finally {
        await tab.close();
      }
    },
  );

  it('shows a hostile Subject as text, never as an element', async () => {
    const tab = await browser.newPage();
    const dialogs: string[] = [];
    tab.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await tab.goto(pathToFileURL(page).href);
      expect(await tab.locator('#subject').textContent()).toBe(HOSTILE);
      expect(await tab.locator('img').count()).toBe(0);
      expect(await tab.evaluate(() => document.querySelectorAll('[onerror]').length)).toBe(0);
      // The transport-only copies carry it in their Subject line, shown as evidence.
      expect(await tab.locator('pre.glimpse').first().textContent()).toContain(
        `Subject: ${HOSTILE}`,
      );
      expect(dialogs).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});

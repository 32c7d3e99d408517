// `sealpost probe` in-process against embedded submission servers (implicit TLS and STARTTLS,
// trusted through the test CA), a closed port, and a real Postfix on both submission ports.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closedPort,
  type PostfixInstance,
  type RunningSubmissionServer,
  sharedTestCa,
  startPostfix,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProbeMode, parseProbePort, parseTimeout } from '../src/probe/probe-ports.js';
import { runMain } from './run-main.js';

let implicit: RunningSubmissionServer;
let starttls: RunningSubmissionServer;
let refused: number;
let caFile: string;
let fingerprint: string;
let dir: string;

beforeAll(async () => {
  const ca = await sharedTestCa();
  const certificate = await ca.issueServerCertificate();
  fingerprint = certificate.fingerprint256;
  dir = await mkdtemp(join(tmpdir(), 'sealpost-probe-'));
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, ca.certPem);
  [implicit, starttls, refused] = await Promise.all([
    startSubmissionServer({ mode: 'implicit-tls', certificate, users: { u: 'p' } }),
    startSubmissionServer({ mode: 'starttls', certificate, users: { u: 'p' }, size: 25 << 20 }),
    closedPort(),
  ]);
});

afterAll(async () => {
  await Promise.all([implicit?.close(), starttls?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('--port parsing', () => {
  it('takes the TLS mode from the port table unless a suffix says otherwise', () => {
    expect(parseProbePort('465')).toEqual({ port: 465, mode: 'implicit-tls' });
    expect(parseProbePort('587')).toEqual({ port: 587, mode: 'starttls' });
    expect(parseProbePort('2525:implicit-tls')).toEqual({ port: 2525, mode: 'implicit-tls' });
    expect(parseProbePort('465:starttls')).toEqual({ port: 465, mode: 'starttls' });
    expect(defaultProbeMode(993)).toBe('implicit-tls');
    expect(defaultProbeMode(40_000)).toBe('starttls');
    for (const bad of ['0', '65536', 'abc', '587:tls13', '-1', '']) {
      expect(() => parseProbePort(bad), bad).toThrow(/--port/);
    }
    expect(parseTimeout('1500')).toBe(1500);
    expect(() => parseTimeout('5')).toThrow(/--timeout/);
  });
});

describe('sealpost probe', () => {
  it('reports both submission servers as usable, recommends implicit TLS, sends no AUTH or MAIL', async () => {
    const { code, out } = await runMain([
      'probe',
      '127.0.0.1',
      '--port',
      `${implicit.port}:implicit-tls`,
      '--port',
      `${starttls.port}:starttls`,
      '--port',
      String(refused),
      '--ca',
      caFile,
      '--timeout',
      '3000',
      '--json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.host).toBe('127.0.0.1');
    expect(r.recommended).toEqual({ port: implicit.port, mode: 'implicit-tls' });
    const [tls, start, closed] = r.ports;
    for (const p of [tls, start]) {
      expect(p).toMatchObject({
        reachable: 'open',
        usable: true,
        banner: expect.stringMatching(/^220 /),
        tls: {
          version: expect.stringMatching(/^TLSv1\.[23]$/),
          cipher: expect.any(String),
          chainValid: true,
          hostnameMatch: true,
          certificate: {
            fingerprint256: fingerprint,
            subjectAltNames: expect.arrayContaining(['IP Address:127.0.0.1']),
            issuer: expect.stringContaining('sealpost Test CA'),
          },
        },
      });
      expect(p.extensions.auth).toEqual(expect.arrayContaining(['PLAIN']));
      // Every port carries its explanation (a non-standard one: the "treated like 587" note).
      expect(p.explanation).toMatch(/not a standard mail port/);
    }
    expect(tls.mode).toBe('implicit-tls');
    expect(start.mode).toBe('starttls');
    // What the network saw before TLS: only on the STARTTLS port.
    expect(tls.cleartextExtensions).toBeNull();
    expect(start.cleartextExtensions.starttls).toBe(true);
    for (const p of [tls, start]) {
      expect(p.connectMs).toBeGreaterThanOrEqual(0);
      expect(p.connectMs).toBeLessThanOrEqual(p.durationMs);
    }
    expect(r.use).toBe(`--server 127.0.0.1:${implicit.port} --tls implicit`);
    expect(closed).toMatchObject({ reachable: 'refused', usable: false, tls: null });
    expect(implicit.logins).toEqual([]);
    expect(starttls.logins).toEqual([]);
    expect(implicit.messages).toEqual([]);
    expect(starttls.messages).toEqual([]);
  });

  it('prints a readable table per port with the explanation of 465', async () => {
    // 465 on loopback is closed here: its row still explains what the port is for.
    const { code, out } = await runMain(
      ['probe', '127.0.0.1', '--port', `${starttls.port}`, '--port', '465', '--ca', caFile],
      { env: { NO_COLOR: '1' } },
    );
    expect(code).toBe(0);
    expect(out).toContain(`127.0.0.1 port ${starttls.port}  usable`);
    expect(out).toMatch(/TLS\s+TLSv1\.[23], \S+, ALPN none/);
    expect(out).toMatch(/SHA-256\s+([0-9A-F]{2}:){15}[0-9A-F]{2}:\s+([0-9A-F]{2}:){15}[0-9A-F]{2}/);
    expect(out).toMatch(/chain valid\s+yes/);
    expect(out).toMatch(/host name match\s+yes/);
    expect(out).toMatch(
      /largest message\s+26214400 octets \(25\.0 MiB\); larger ones are refused unsent/,
    );
    expect(out).toMatch(/verdict\s+Usable with STARTTLS required/);
    expect(out).toContain('127.0.0.1 port 465  not usable');
    expect(out).toMatch(/RFC 8314 §3\.3 recommends it/);
    expect(out).toMatch(/before TLS\s+STARTTLS offered; /);
    expect(out).toMatch(/reachable\s+open \(connect \d+ ms, \d+ ms in all\)/);
    expect(out).toContain(`sealpost send --server 127.0.0.1:${starttls.port} --tls starttls`);
    expect(out).toContain('No AUTH, MAIL or message data was sent.');
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);

    const brief = await runMain(
      ['probe', '127.0.0.1', '--port', `${starttls.port}`, '--ca', caFile, '--brief'],
      { env: { NO_COLOR: '1' } },
    );
    expect(brief.code).toBe(0);
    expect(brief.out).not.toMatch(/^\s+about \d+/m);
    expect(brief.out).toContain('--tls starttls');
  });

  it('without the CA the chain does not validate and nothing is usable (exit 4)', async () => {
    const { code, out } = await runMain([
      'probe',
      '127.0.0.1',
      '--port',
      `${implicit.port}:implicit-tls`,
      '--json',
    ]);
    expect(code).toBe(4);
    const [port] = JSON.parse(out).ports;
    expect(port.tls.chainValid).toBe(false);
    expect(port.tls.chainError).toMatch(/CERT|SIGNATURE|ISSUER/);
    expect(port.recommendation).toMatch(/^Do not use/);
  });

  it('takes the CA from SEALPOST_CA when --ca is not given', async () => {
    const { code, out } = await runMain(
      ['probe', '127.0.0.1', '--port', `${implicit.port}:implicit-tls`, '--json'],
      { env: { SEALPOST_CA: caFile } },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out).ports[0].tls.chainValid).toBe(true);
  });

  it('a closed port alone exits 4 with the port reported as refused', async () => {
    const { code, out } = await runMain([
      'probe',
      '127.0.0.1',
      '--port',
      String(refused),
      '--json',
    ]);
    expect(code).toBe(4);
    expect(JSON.parse(out)).toMatchObject({
      recommended: null,
      ports: [{ port: refused, reachable: 'refused', usable: false }],
    });
  });

  it('refuses bad arguments with exit 2', async () => {
    expect((await runMain(['probe'])).code).toBe(2);
    expect((await runMain(['probe', 'a b'])).code).toBe(2);
    expect((await runMain(['probe', 'localhost', '--port', 'x'])).code).toBe(2);
    expect((await runMain(['probe', 'localhost', '--timeout', '1'])).code).toBe(2);
    const help = await runMain(['probe', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: sealpost probe HOST/);
    for (const flag of ['--port', '--ca', '--timeout', '--json']) expect(help.out).toContain(flag);
    expect(help.out).toContain('Examples:');
  });
});

describe('sealpost probe against Postfix', () => {
  let postfix: PostfixInstance;
  let postfixCa: string;

  beforeAll(async () => {
    postfix = await startPostfix();
    postfixCa = join(dir, 'postfix-ca.pem');
    await writeFile(postfixCa, postfix.caPem);
  }, 60_000);

  afterAll(async () => {
    await postfix?.stop();
  }, 30_000);

  it('finds implicit TLS and STARTTLS submission, recommends implicit TLS, and never logs in', async () => {
    const { code, out } = await runMain([
      'probe',
      '127.0.0.1',
      '--port',
      `${postfix.implicitTlsPort}:implicit-tls`,
      '--port',
      `${postfix.startTlsPort}:starttls`,
      '--ca',
      postfixCa,
      '--timeout',
      '8000',
      '--json',
    ]);
    expect(code, out).toBe(0);
    const r = JSON.parse(out);
    expect(r.recommended).toEqual({ port: postfix.implicitTlsPort, mode: 'implicit-tls' });
    const [tls, start] = r.ports;
    expect(tls).toMatchObject({ usable: true, banner: expect.stringMatching(/^220 .*ESMTP/) });
    expect(start).toMatchObject({ usable: true, mode: 'starttls' });
    expect(start.tls.certificate.fingerprint256).toBe(postfix.certificate.fingerprint256);
    // After STARTTLS Postfix offers AUTH; before it (encrypt level) it must not matter: we never use it.
    expect(start.extensions.auth.length).toBeGreaterThan(0);
    // Postfix's per-session summary lists the commands a client used: no auth=, no mail=.
    // Postfix writes them a little after each session ends: wait for both (bounded).
    // STARTTLS port: EHLO, STARTTLS, EHLO, QUIT; implicit TLS port: EHLO, QUIT — nothing else.
    const startTlsSummary =
      /submission\/smtpd.*disconnect from .* ehlo=2 starttls=1 quit=1 commands=4/;
    const implicitSummary = /submissions\/smtpd.*disconnect from .* ehlo=1 quit=1 commands=2/;
    let logs = postfix.logs();
    for (
      let waited = 0;
      waited < 10_000 && !(startTlsSummary.test(logs) && implicitSummary.test(logs));
      waited += 100
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      logs = postfix.logs();
    }
    expect(logs).toMatch(startTlsSummary);
    expect(logs).toMatch(implicitSummary);
    expect(logs).not.toMatch(/ auth=/);
    expect(logs).not.toMatch(/ mail=/);
    expect(postfix.messages()).toEqual([]);
  }, 30_000);
});

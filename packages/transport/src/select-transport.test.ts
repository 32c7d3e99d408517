import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SealpostError } from '@sealpost/errors';
import {
  closedPort,
  type HostileServer,
  type RecordingServer,
  type RunningSubmissionServer,
  sharedTestCa,
  startCleartextServer,
  startSilentServer,
  startStartTlsStallServer,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SrvRecord, type SrvResolver, selectTransport } from './select-transport.js';
import { SelectionCache } from './selection-cache.js';
import { createSmtpTransport } from './smtp-transport.js';

// Long enough for a loaded CI machine; the silent port makes one attempt wait this long.
const timeouts = { connectMs: 1_500, greetingMs: 1_500, socketMs: 3_000 };
let caPem: string;
let implicit: RunningSubmissionServer;
let starttls: RunningSubmissionServer;
let expiredImplicit: RunningSubmissionServer;
let noStartTls: RecordingServer;
let bystander: RecordingServer;
let silent: HostileServer;
let stall: RecordingServer;
let refused: number;
const dir = mkdtempSync(join(tmpdir(), 'sealpost-select-'));

/** A fake resolver: SRV data in a map, ENOTFOUND otherwise (unit test of the order only). */
function resolver(records: Record<string, SrvRecord[]>): SrvResolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async resolveSrv(name) {
      asked.push(name);
      const found = records[name];
      if (!found) throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return found;
    },
  };
}

beforeAll(async () => {
  const ca = await sharedTestCa();
  caPem = ca.certPem;
  const good = await ca.issueServerCertificate();
  implicit = await startSubmissionServer({ mode: 'implicit-tls', certificate: good });
  starttls = await startSubmissionServer({ mode: 'starttls', certificate: good });
  expiredImplicit = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate: await ca.issueServerCertificate({
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    }),
  });
  noStartTls = await startCleartextServer();
  bystander = await startCleartextServer();
  silent = await startSilentServer();
  stall = await startStartTlsStallServer();
  refused = await closedPort();
});

afterAll(async () => {
  await Promise.all(
    [implicit, starttls, expiredImplicit, noStartTls, bystander, silent, stall].map((s) =>
      s?.close(),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
});

describe('selectTransport', () => {
  it('prefers SRV _submissions, then _submission (RFC 6186), before the default ports', async () => {
    const dns = resolver({
      '_submissions._tcp.example.test': [
        { name: '.', port: 0, priority: 0, weight: 0 },
        { name: '127.0.0.1.', port: refused, priority: 5, weight: 0 },
        { name: '127.0.0.1.', port: implicit.port, priority: 10, weight: 0 },
      ],
      '_submission._tcp.example.test': [
        { name: '127.0.0.1', port: starttls.port, priority: 0, weight: 0 },
      ],
    });
    const selection = await selectTransport('example.test', {
      resolver: dns,
      ca: caPem,
      timeouts,
      cache: false,
      candidates: [{ port: bystander.port, mode: 'implicit-tls' }],
    });
    expect(dns.asked).toEqual(['_submissions._tcp.example.test', '_submission._tcp.example.test']);
    expect(selection.source).toBe('srv-submissions');
    expect(selection.endpoint).toMatchObject({
      host: '127.0.0.1',
      port: implicit.port,
      mode: 'implicit-tls',
    });
    expect(selection.attempts.map((a) => a.outcome)).toEqual(['refused', 'ok']);
    expect(bystander.connections()).toBe(0);
  });

  it('moves on over refused and filtered ports, in the order 465 → 587 → 2525', async () => {
    const selection = await selectTransport('127.0.0.1', {
      resolver: resolver({}),
      ca: caPem,
      timeouts,
      cache: false,
      candidates: [
        { port: refused, mode: 'implicit-tls' },
        { port: silent.port, mode: 'starttls' },
        { port: starttls.port, mode: 'starttls' },
      ],
    });
    expect(selection.attempts.map((a) => [a.port, a.outcome])).toEqual([
      [refused, 'refused'],
      [silent.port, 'timeout'],
      [starttls.port, 'ok'],
    ]);
    expect(selection.endpoint.mode).toBe('starttls');
  });

  it('stops at a certificate problem and never falls back to the STARTTLS port', async () => {
    const err = await selectTransport('127.0.0.1', {
      resolver: resolver({}),
      ca: caPem,
      timeouts,
      cache: false,
      candidates: [
        { port: expiredImplicit.port, mode: 'implicit-tls' },
        { port: bystander.port, mode: 'starttls' },
      ],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SealpostError);
    expect((err as SealpostError).code).toBe('ECERT_EXPIRED');
    expect(bystander.connections()).toBe(0);
  });

  it('stops when a STARTTLS port does not offer STARTTLS (possible stripping)', async () => {
    const err = await selectTransport('127.0.0.1', {
      resolver: resolver({}),
      ca: caPem,
      timeouts,
      cache: false,
      candidates: [
        { port: noStartTls.port, mode: 'starttls' },
        { port: bystander.port, mode: 'starttls' },
      ],
    }).catch((e: unknown) => e);
    expect((err as SealpostError).code).toBe('ESTARTTLS');
    expect(bystander.connections()).toBe(0);
    expect(noStartTls.record.commands.some((c) => /^(AUTH|MAIL)/i.test(c))).toBe(false);
  });

  it('stops when the TLS handshake after STARTTLS never completes (not a filtered port)', async () => {
    const err = await selectTransport('127.0.0.1', {
      resolver: resolver({}),
      ca: caPem,
      timeouts,
      cache: false,
      candidates: [
        { port: stall.port, mode: 'starttls' },
        { port: bystander.port, mode: 'starttls' },
      ],
    }).catch((e: unknown) => e);
    expect((err as SealpostError).code).toBe('ETLS');
    expect(bystander.connections()).toBe(0);
  });

  it('says ENOTRANSPORT when nothing answers', async () => {
    const err = await selectTransport('127.0.0.1', {
      useSrv: false,
      timeouts,
      cache: false,
      candidates: [{ port: refused, mode: 'implicit-tls' }],
    }).catch((e: unknown) => e);
    expect((err as SealpostError).code).toBe('ENOTRANSPORT');
  });

  it('honours a fixed port and mode without SRV or other ports', async () => {
    const dns = resolver({});
    const selection = await selectTransport('127.0.0.1', {
      port: starttls.port,
      mode: 'starttls',
      resolver: dns,
      ca: caPem,
      timeouts,
      cache: false,
    });
    expect(selection.source).toBe('fixed');
    expect(dns.asked).toEqual([]);
  });

  it('does not connect to a fixed port: the send itself meets the failure, with no fallback', async () => {
    // With its mode given (or a port of the table: 25, 465, 587, 2525). An unfamiliar port
    // without a mode is listened to first (detect-mode.test.ts).
    const selection = await selectTransport('127.0.0.1', {
      port: refused,
      mode: 'starttls',
      ca: caPem,
      timeouts,
      cache: false,
    });
    expect(selection).toMatchObject({
      source: 'fixed',
      attempts: [],
      endpoint: { port: refused, mode: 'starttls' },
    });
    const transport = createSmtpTransport(selection.endpoint);
    await expect(
      transport.send({
        envelope: { from: 'a@example.org', to: ['b@example.org'] },
        raw: new TextEncoder().encode('x\r\n'),
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await transport.close();
  });

  it('remembers what worked, in memory and in a JSON file', async () => {
    const file = join(dir, 'selection.json');
    const cache = new SelectionCache({ file });
    const policy = {
      resolver: resolver({}),
      ca: caPem,
      timeouts,
      cache,
      candidates: [{ port: implicit.port, mode: 'implicit-tls' as const }],
    };
    const first = await selectTransport('localhost', policy);
    expect(first.source).toBe('default-port');
    const second = await selectTransport('localhost', policy);
    expect(second.source).toBe('cache');
    expect(second.endpoint).toMatchObject({
      host: 'localhost',
      port: implicit.port,
      mode: 'implicit-tls',
    });
    expect(JSON.parse(readFileSync(file, 'utf8')).localhost).toMatchObject({ port: implicit.port });
    const reloaded = new SelectionCache({ file });
    expect(reloaded.get('localhost')).toMatchObject({ port: implicit.port, mode: 'implicit-tls' });
    expect(reloaded.get('localhost', Date.now() + 30 * 86_400_000)).toBeUndefined();
  });
});

import {
  closedPort,
  type HostileServer,
  type RecordingServer,
  type RunningSubmissionServer,
  sharedTestCa,
  startCleartextServer,
  startSilentServer,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEhlo, probe } from './probe.js';

let caPem: string;
let fingerprint: string;
let implicit: RunningSubmissionServer;
let starttls: RunningSubmissionServer;
let expired: RunningSubmissionServer;
let plain: RecordingServer;
let silent: HostileServer;
let refused: number;

beforeAll(async () => {
  const ca = await sharedTestCa();
  caPem = ca.certPem;
  const good = await ca.issueServerCertificate();
  fingerprint = good.fingerprint256;
  implicit = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate: good,
    users: { a: 'b' },
  });
  starttls = await startSubmissionServer({
    mode: 'starttls',
    certificate: good,
    users: { a: 'b' },
  });
  expired = await startSubmissionServer({
    mode: 'starttls',
    certificate: await ca.issueServerCertificate({
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    }),
  });
  plain = await startCleartextServer();
  silent = await startSilentServer();
  refused = await closedPort();
});

afterAll(async () => {
  await Promise.all([implicit, starttls, expired, plain, silent].map((s) => s?.close()));
});

describe('probe', () => {
  it('reports each port concurrently and never sends AUTH or MAIL', async () => {
    const started = performance.now();
    const report = await probe('127.0.0.1', {
      ca: caPem,
      pin: fingerprint,
      timeoutMs: 1_500,
      ports: [
        { port: implicit.port, mode: 'implicit-tls' },
        { port: starttls.port, mode: 'starttls' },
        { port: expired.port, mode: 'starttls' },
        { port: plain.port, mode: 'starttls' },
        { port: silent.port, mode: 'starttls' },
        { port: refused, mode: 'implicit-tls' },
      ],
    });
    // Concurrent: one silent port's 1.5 s dominates; sequential would add the others' time.
    expect(performance.now() - started).toBeLessThan(3_000);
    const [imp, stls, exp, clear, quiet, closed] = report.ports;

    expect(imp).toMatchObject({ reachable: 'open', usable: true, error: null });
    expect(imp!.banner).toMatch(/^220 /);
    expect(imp!.tls).toMatchObject({ chainValid: true, hostnameMatch: true, pinMatch: true });
    expect(imp!.tls!.version).toMatch(/^TLSv1\.[23]$/);
    expect(imp!.tls!.certificate).toMatchObject({ fingerprint256: fingerprint });
    expect(imp!.tls!.certificate!.issuer).toContain('sealpost Test CA');
    expect(imp!.tls!.certificate!.subjectAltNames).toContain('DNS:localhost');
    expect(imp!.extensions!.auth).toEqual(['PLAIN', 'LOGIN']);
    expect(imp!.recommendation).toMatch(/RFC 8314/);

    expect(stls).toMatchObject({ reachable: 'open', usable: true });
    expect(stls!.tls!.chainValid).toBe(true);
    // The extensions are the ones from inside TLS: STARTTLS is gone, AUTH is offered.
    expect(stls!.extensions).toMatchObject({
      starttls: false,
      pipelining: true,
      eightBitMime: true,
    });
    expect(stls!.extensions!.auth).toContain('PLAIN');

    expect(exp).toMatchObject({ reachable: 'open', usable: false });
    expect(exp!.tls).toMatchObject({ chainValid: false, chainError: 'CERT_HAS_EXPIRED' });
    expect(exp!.tls!.certificate!.validTo < new Date().toISOString()).toBe(true);
    expect(exp!.recommendation).toMatch(/Do not use/);

    expect(clear).toMatchObject({ reachable: 'open', usable: false, tls: null });
    expect(clear!.extensions!.starttls).toBe(false);
    expect(clear!.recommendation).toMatch(/cleartext/);
    expect(plain.record.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'QUIT']);

    expect(quiet).toMatchObject({ reachable: 'open', usable: false });
    expect(quiet!.error!.code).toBe('ETIMEDOUT');
    expect(closed).toMatchObject({ reachable: 'refused', usable: false });

    expect(report.recommended).toEqual({ port: implicit.port, mode: 'implicit-tls' });
    for (const server of [implicit, starttls, expired]) {
      expect(server.logins).toHaveLength(0);
      expect(server.messages).toHaveLength(0);
    }
  });

  it('recommends STARTTLS when no implicit-TLS port works', async () => {
    const report = await probe('127.0.0.1', {
      ca: caPem,
      timeoutMs: 1_500,
      ports: [
        { port: refused, mode: 'implicit-tls' },
        { port: starttls.port, mode: 'starttls' },
      ],
    });
    expect(report.recommended).toEqual({ port: starttls.port, mode: 'starttls' });
  });
});

describe('parseEhlo', () => {
  it('reads the extensions the issue names', () => {
    const ext = parseEhlo([
      'mail.example.test',
      'PIPELINING',
      'SIZE 35882577',
      'STARTTLS',
      'AUTH PLAIN login',
      '8BITMIME',
      'SMTPUTF8',
      'REQUIRETLS',
      'CHUNKING',
    ]);
    expect(ext).toMatchObject({
      starttls: true,
      auth: ['PLAIN', 'LOGIN'],
      size: 35882577,
      eightBitMime: true,
      smtpUtf8: true,
      pipelining: true,
      requireTls: true,
      chunking: true,
    });
    expect(parseEhlo(['x'])).toMatchObject({ starttls: false, auth: [], size: null });
  });
});

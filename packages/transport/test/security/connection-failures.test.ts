/**
 * Failures around the connection itself: a drop after the end of DATA is ambiguous (RFC 5321
 * §6.1: only the reply makes the server responsible), cleartext on an implicit-TLS port is an
 * error, and a silent or closed port fails within the configured time with its own code.
 */
import { Readable } from 'node:stream';
import { isAmbiguous, isTransient } from '@sealpost/errors';
import {
  closedPort,
  type HostileServer,
  type RecordingServer,
  sharedTestCa,
  startCleartextServer,
  startDropAfterDataServer,
  startSilentServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../src/smtp-transport.js';
import { envelope, failure, message, timeouts } from './helpers.js';

let caPem: string;
let dropper: RecordingServer;
let hanger: RecordingServer;
let early: RecordingServer;
let cleartext: RecordingServer;
let silent: HostileServer;

beforeAll(async () => {
  const ca = await sharedTestCa();
  caPem = ca.certPem;
  const certificate = await ca.issueServerCertificate();
  dropper = await startDropAfterDataServer(certificate);
  hanger = await startDropAfterDataServer(certificate, 'hang');
  early = await startDropAfterDataServer(certificate, 'drop-at-354');
  cleartext = await startCleartextServer();
  silent = await startSilentServer();
});

afterAll(async () => {
  await Promise.all([dropper, hanger, early, cleartext, silent].map((s) => s?.close()));
});

describe('connection failures', () => {
  it('a drop after the final "." of DATA is EAMBIGUOUS, not transient', async () => {
    const transport = createSmtpTransport({
      host: dropper.host,
      port: dropper.port,
      mode: 'implicit-tls',
      ca: caPem,
      auth: { user: 'alice', pass: 'pw' },
      timeouts,
    });
    const err = await failure(transport.send({ envelope, raw: message('ambiguous') }));
    await transport.close();
    expect(err.code).toBe('EAMBIGUOUS');
    expect(isAmbiguous(err)).toBe(true);
    expect(isTransient(err)).toBe(false);
    // The server really got the whole message: it may well deliver it.
    expect(dropper.record.messages).toHaveLength(1);
  });

  it('no reply after the final "." (timeout) is EAMBIGUOUS too', async () => {
    const err = await failure(
      createSmtpTransport({
        host: hanger.host,
        port: hanger.port,
        mode: 'implicit-tls',
        ca: caPem,
        timeouts: { ...timeouts, socketMs: 500 },
      }).send({ envelope, raw: message('hang') }),
    );
    expect(err.code).toBe('EAMBIGUOUS');
    expect(isAmbiguous(err)).toBe(true);
    expect(hanger.record.messages).toHaveLength(1);
  });

  it('a drop before the message was transmitted is ECONNLOST (transient), not ambiguous', async () => {
    const line = `${'z'.repeat(76)}\r\n`;
    const big = new TextEncoder().encode(`Subject: early\r\n\r\n${line.repeat(64 * 1024)}`);
    const err = await failure(
      createSmtpTransport({
        host: early.host,
        port: early.port,
        mode: 'implicit-tls',
        ca: caPem,
        timeouts,
      }).send({ envelope, raw: Readable.from([big.subarray(0, 65536), big.subarray(65536)]) }),
    );
    expect(err.code).toBe('ECONNLOST');
    expect(isTransient(err)).toBe(true);
    expect(early.record.messages).toHaveLength(0);
  });

  it('cleartext on an implicit-TLS port is ETLS_CLEARTEXT and nothing is sent', async () => {
    const transport = createSmtpTransport({
      host: cleartext.host,
      port: cleartext.port,
      mode: 'implicit-tls',
      ca: caPem,
      auth: { user: 'alice', pass: 'pw' },
      timeouts,
    });
    const err = await failure(transport.send({ envelope, raw: message('cleartext') }));
    expect(err.code).toBe('ETLS_CLEARTEXT');
    expect(cleartext.record.commands.filter((c) => /^(AUTH|MAIL|RCPT)/i.test(c))).toEqual([]);
  });

  it.each(['implicit-tls', 'starttls'] as const)(
    'a %s port that accepts TCP but never answers fails with ETIMEDOUT in time',
    async (mode) => {
      const limit = { connectMs: 400, greetingMs: 400, socketMs: 400 };
      const started = performance.now();
      const err = await failure(
        createSmtpTransport({
          host: silent.host,
          port: silent.port,
          mode,
          ca: caPem,
          timeouts: limit,
        }).send({ envelope, raw: message('silent') }),
      );
      const elapsed = performance.now() - started;
      expect(err.code).toBe('ETIMEDOUT');
      expect(isTransient(err)).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(350);
      expect(elapsed).toBeLessThan(2_500);
    },
  );

  it('a closed port is ECONNREFUSED', async () => {
    const err = await failure(
      createSmtpTransport({
        host: '127.0.0.1',
        port: await closedPort(),
        mode: 'implicit-tls',
        ca: caPem,
        timeouts,
      }).send({ envelope, raw: message('refused') }),
    );
    expect(err.code).toBe('ECONNREFUSED');
  });

  it('refuses cleartext mode unless asked, and never sends AUTH without TLS', async () => {
    const base = { host: cleartext.host, port: cleartext.port, mode: 'none' as const, timeouts };
    expect(
      (await failure(createSmtpTransport(base).send({ envelope, raw: message('x') }))).code,
    ).toBe('ECONFIG');
    const withAuth = createSmtpTransport({
      ...base,
      allowCleartext: true,
      auth: { user: 'alice', pass: 'pw' },
    });
    expect((await failure(withAuth.send({ envelope, raw: message('x') }))).code).toBe('ECONFIG');
    const report = await createSmtpTransport({ ...base, allowCleartext: true }).send({
      envelope,
      raw: message('plain'),
    });
    expect(report.mode).toBe('none');
    expect(report.tls).toBeNull();
    expect(cleartext.record.commands.some((c) => /^AUTH/i.test(c))).toBe(false);
  });
});

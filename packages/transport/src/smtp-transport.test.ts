import { Readable } from 'node:stream';
import { isAmbiguous, isPermanent, isTransient, SealpostError } from '@sealpost/errors';
import {
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
  type TestCa,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport, type SmtpTransportOptions } from './smtp-transport.js';

const USERS = { alice: 'correct horse battery staple' };
const timeouts = { connectMs: 3_000, greetingMs: 3_000, socketMs: 5_000 };

function message(subject: string, body = 'Hello.\r\n'): Uint8Array {
  return new TextEncoder().encode(
    `From: alice@example.test\r\nTo: bob@example.test\r\nSubject: ${subject}\r\n` +
      `Message-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n\r\n${body}`,
  );
}

async function failure(promise: Promise<unknown>): Promise<SealpostError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SealpostError);
  return err as SealpostError;
}

let ca: TestCa;
let implicit: RunningSubmissionServer;
let starttls: RunningSubmissionServer;
let picky: RunningSubmissionServer;
let tempfail: RunningSubmissionServer;
let rejecting: RunningSubmissionServer;

function options(
  server: RunningSubmissionServer,
  mode: 'implicit-tls' | 'starttls',
  extra: Partial<SmtpTransportOptions> = {},
): SmtpTransportOptions {
  return {
    host: server.host,
    port: server.port,
    mode,
    ca: ca.certPem,
    auth: { user: 'alice', pass: USERS.alice },
    timeouts,
    ...extra,
  };
}

beforeAll(async () => {
  ca = await sharedTestCa();
  const certificate = await ca.issueServerCertificate();
  implicit = await startSubmissionServer({ mode: 'implicit-tls', certificate, users: USERS });
  starttls = await startSubmissionServer({ mode: 'starttls', certificate, users: USERS });
  picky = await startSubmissionServer({
    mode: 'starttls',
    certificate,
    users: USERS,
    rcptReply: (address) =>
      address.startsWith('nobody') ? { code: 550, message: '5.1.1 No such user' } : undefined,
  });
  tempfail = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate,
    users: USERS,
    dataReply: { code: 451, message: '4.3.0 Try again later' },
  });
  rejecting = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate,
    users: USERS,
    dataReply: { code: 554, message: '5.7.1 Message refused by policy' },
  });
});

afterAll(async () => {
  await Promise.all([implicit, starttls, picky, tempfail, rejecting].map((s) => s?.close()));
});

describe('createSmtpTransport on implicit TLS (RFC 8314)', () => {
  it('authenticates with PLAIN, delivers the exact bytes and reports the TLS facts', async () => {
    const transport = createSmtpTransport(
      options(implicit, 'implicit-tls', {
        auth: { ...options(implicit, 'implicit-tls').auth!, method: 'PLAIN' },
      }),
    );
    const raw = message('implicit');
    const report = await transport.send({
      envelope: { from: 'alice@example.test', to: ['bob@example.test', 'carol@example.test'] },
      raw,
    });
    await transport.close();

    expect(report).toMatchObject({
      transport: 'smtp',
      host: '127.0.0.1',
      port: implicit.port,
      mode: 'implicit-tls',
      auth: { mechanism: 'PLAIN', user: 'alice' },
      accepted: ['bob@example.test', 'carol@example.test'],
      rejected: [],
      reusedConnection: false,
    });
    expect(report.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(report.tls?.cipher).toMatch(/\w/);
    expect(report.tls?.validation).toBe('verified');
    expect(report.tls?.certificate?.subject).toContain('CN=localhost');
    expect(report.tls?.certificate?.subjectAltNames).toContain('IP Address:127.0.0.1');
    expect(report.tls?.certificate?.fingerprint256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.response).toMatch(/^250 /);
    expect(report.queueId).toBe(`TEST${implicit.messages.length}`);
    expect(report.timings.totalMs).toBeGreaterThan(0);
    expect(JSON.stringify(report)).not.toContain(USERS.alice);

    const received = implicit.messages.at(-1)!;
    expect(received.secure).toBe(true);
    expect(received.user).toBe('alice');
    expect(received.from).toBe('alice@example.test');
    expect(received.to).toEqual(['bob@example.test', 'carol@example.test']);
    expect(Buffer.compare(received.raw, Buffer.from(raw))).toBe(0);
    expect(implicit.logins.at(-1)).toEqual({ user: 'alice', method: 'PLAIN', secure: true });
  });

  it('streams a Readable body (1 MiB) without changing a byte', async () => {
    const transport = createSmtpTransport(options(implicit, 'implicit-tls'));
    const line = `${'x'.repeat(76)}\r\n`;
    const body = line.repeat(Math.ceil((1024 * 1024) / line.length));
    const raw = message('stream', body);
    const chunks = Array.from({ length: Math.ceil(raw.length / 65536) }, (_, i) =>
      raw.subarray(i * 65536, (i + 1) * 65536),
    );
    const report = await transport.send({
      envelope: { from: 'alice@example.test', to: ['bob@example.test'] },
      raw: Readable.from(chunks),
    });
    await transport.close();
    expect(report.messageSize).toBeGreaterThanOrEqual(raw.length);
    expect(Buffer.compare(implicit.messages.at(-1)!.raw, Buffer.from(raw))).toBe(0);
  });

  it('accepts a matching SHA-256 pin and refuses a wrong one with ECERT_PIN', async () => {
    const first = await createSmtpTransport(options(implicit, 'implicit-tls')).send({
      envelope: { from: 'alice@example.test', to: ['bob@example.test'] },
      raw: message('pin-probe'),
    });
    const pin = first.tls!.certificate!.fingerprint256;
    const pinned = createSmtpTransport(options(implicit, 'implicit-tls', { pin }));
    const report = await pinned.send({
      envelope: { from: 'alice@example.test', to: ['bob@example.test'] },
      raw: message('pinned'),
    });
    expect(report.tls?.validation).toBe('verified+pinned');
    const wrong = createSmtpTransport(options(implicit, 'implicit-tls', { pin: '00'.repeat(32) }));
    const err = await failure(
      wrong.send({ envelope: { from: 'alice@example.test', to: ['b@x.test'] }, raw: message('x') }),
    );
    expect(err.code).toBe('ECERT_PIN');
  });
});

describe('createSmtpTransport on STARTTLS (RFC 6409 + RFC 3207)', () => {
  it('upgrades, authenticates with LOGIN inside TLS and delivers', async () => {
    const transport = createSmtpTransport(
      options(starttls, 'starttls', {
        auth: { user: 'alice', pass: USERS.alice, method: 'LOGIN' },
      }),
    );
    const raw = message('starttls');
    const report = await transport.send({
      envelope: { from: 'alice@example.test', to: ['bob@example.test'] },
      raw,
    });
    await transport.close();
    expect(report.mode).toBe('starttls');
    expect(report.auth).toEqual({ mechanism: 'LOGIN', user: 'alice' });
    expect(report.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(report.capabilities).toEqual(
      expect.arrayContaining(['PIPELINING', '8BITMIME', 'AUTH PLAIN LOGIN']),
    );
    expect(report.capabilities).not.toContain('STARTTLS');
    const received = starttls.messages.at(-1)!;
    expect(received.secure).toBe(true);
    expect(Buffer.compare(received.raw, Buffer.from(raw))).toBe(0);
    expect(starttls.logins.at(-1)).toEqual({ user: 'alice', method: 'LOGIN', secure: true });
  });

  it('refuses the whole message when one recipient is rejected (ERECIPIENT, nothing sent)', async () => {
    const before = picky.messages.length;
    const transport = createSmtpTransport(options(picky, 'starttls'));
    const err = await failure(
      transport.send({
        envelope: { from: 'alice@example.test', to: ['bob@example.test', 'nobody@example.test'] },
        raw: message('partial'),
      }),
    );
    await transport.close();
    expect(err.code).toBe('ERECIPIENT');
    expect(err.command).toBe('RCPT TO');
    expect(err.responseCode).toBe(550);
    expect(err.details?.rejected).toEqual([
      { address: 'nobody@example.test', response: expect.stringContaining('550') },
    ]);
    expect(isPermanent(err)).toBe(true);
    expect(picky.messages.length).toBe(before);
  });

  it('with partialDelivery, sends to the accepted recipients and reports the rejected', async () => {
    const transport = createSmtpTransport(options(picky, 'starttls', { partialDelivery: true }));
    const report = await transport.send({
      envelope: { from: 'alice@example.test', to: ['bob@example.test', 'nobody@example.test'] },
      raw: message('partial-ok'),
    });
    await transport.close();
    expect(report.accepted).toEqual(['bob@example.test']);
    expect(report.rejected).toEqual([
      { address: 'nobody@example.test', response: expect.stringMatching(/^550 /) },
    ]);
    expect(picky.messages.at(-1)!.to).toEqual(['bob@example.test']);
  });

  it('maps a wrong password to EAUTH without echoing it', async () => {
    const transport = createSmtpTransport(
      options(starttls, 'starttls', { auth: { user: 'alice', pass: 'hunter2-wrong' } }),
    );
    const err = await failure(
      transport.send({ envelope: { from: 'a@x.test', to: ['b@x.test'] }, raw: message('auth') }),
    );
    expect(err.code).toBe('EAUTH');
    expect(err.responseCode).toBe(535);
    expect(JSON.stringify(err.toJSON())).not.toContain('hunter2-wrong');
    expect(err.message).not.toContain('hunter2-wrong');
  });

  it('refuses an AUTH mechanism the server does not offer (EAUTH_UNSUPPORTED)', async () => {
    const transport = createSmtpTransport(
      options(starttls, 'starttls', { auth: { user: 'alice', pass: 'x', method: 'CRAM-MD5' } }),
    );
    const err = await failure(
      transport.send({ envelope: { from: 'a@x.test', to: ['b@x.test'] }, raw: message('m') }),
    );
    expect(err.code).toBe('EAUTH_UNSUPPORTED');
  });
});

describe('server replies', () => {
  it('4xx after DATA is ETEMPFAIL and transient', async () => {
    const err = await failure(
      createSmtpTransport(options(tempfail, 'implicit-tls')).send({
        envelope: { from: 'a@x.test', to: ['b@x.test'] },
        raw: message('temp'),
      }),
    );
    expect(err.code).toBe('ETEMPFAIL');
    expect(err.responseCode).toBe(451);
    expect(isTransient(err)).toBe(true);
    expect(isAmbiguous(err)).toBe(false);
  });

  it('5xx after DATA is EREJECTED and permanent', async () => {
    const err = await failure(
      createSmtpTransport(options(rejecting, 'implicit-tls')).send({
        envelope: { from: 'a@x.test', to: ['b@x.test'] },
        raw: message('perm'),
      }),
    );
    expect(err.code).toBe('EREJECTED');
    expect(err.command).toBe('DATA');
    expect(err.response).toContain('Message refused by policy');
    expect(isPermanent(err)).toBe(true);
  });

  it('refuses an envelope address that would inject SMTP commands (EADDRESS)', async () => {
    const err = await failure(
      createSmtpTransport(options(implicit, 'implicit-tls')).send({
        envelope: { from: 'a@x.test', to: ['b@x.test>\r\nRCPT TO:<evil@x.test'] },
        raw: message('inject'),
      }),
    );
    expect(err.code).toBe('EADDRESS');
  });
});

describe('pooled sending', () => {
  it('sends many messages over at most maxConnections sessions', async () => {
    const before = starttls.messages.length;
    const transport = createSmtpTransport(
      options(starttls, 'starttls', { pool: true, maxConnections: 2 }),
    );
    const reports = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        transport.send({
          envelope: { from: 'alice@example.test', to: [`r${i}@example.test`] },
          raw: message(`pool-${i}`),
        }),
      ),
    );
    await transport.close();
    expect(starttls.messages.length - before).toBe(20);
    const opened = reports.filter((r) => !r.reusedConnection).length;
    expect(opened).toBeGreaterThanOrEqual(1);
    expect(opened).toBeLessThanOrEqual(2);
    const logins = starttls.logins.slice(-opened);
    expect(logins.every((l) => l.secure)).toBe(true);
  });

  it('recovers after a pipelined partial rejection dropped the pooled session', async () => {
    const before = picky.messages.length;
    const transport = createSmtpTransport(
      options(picky, 'starttls', { pool: true, maxConnections: 1 }),
    );
    const err = await failure(
      transport.send({
        envelope: { from: 'a@x.test', to: ['bob@x.test', 'nobody@x.test'] },
        raw: message('partial-pooled'),
      }),
    );
    expect(err.code).toBe('ERECIPIENT');
    const report = await transport.send({
      envelope: { from: 'a@x.test', to: ['carol@x.test'] },
      raw: message('next'),
    });
    await transport.close();
    expect(report.accepted).toEqual(['carol@x.test']);
    expect(picky.messages.length - before).toBe(1);
    expect(picky.messages.at(-1)!.to).toEqual(['carol@x.test']);
  });

  it('keeps a pooled session usable after a refused recipient (RSET)', async () => {
    const transport = createSmtpTransport(
      options(picky, 'starttls', { pool: true, maxConnections: 1 }),
    );
    await failure(
      transport.send({
        envelope: { from: 'a@x.test', to: ['nobody@x.test'] },
        raw: message('refused'),
      }),
    );
    const report = await transport.send({
      envelope: { from: 'a@x.test', to: ['bob@x.test'] },
      raw: message('after-rset'),
    });
    await transport.close();
    expect(report.reusedConnection).toBe(true);
    expect(picky.messages.at(-1)!.to).toEqual(['bob@x.test']);
  });
});

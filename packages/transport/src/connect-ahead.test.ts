// SmtpTransport.open(): the session of the next send opened ahead (decision 0128), checked on
// loopback servers that record every command verb.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { SealpostError } from '@sealpost/errors';
import {
  type RunningSubmissionServer,
  sharedTestCa,
  startSilentServer,
  startSubmissionServer,
  type TestCa,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport, type SmtpTransportOptions } from './smtp-transport.js';

const USERS = { alice: 'correct horse battery staple' };
const timeouts = { connectMs: 3_000, greetingMs: 3_000, socketMs: 5_000 };
const envelope = { from: 'alice@example.test', to: ['bob@example.test'] };
const raw = new TextEncoder().encode('Subject: ahead\r\n\r\nHello.\r\n');

let ca: TestCa;
let server: RunningSubmissionServer;

function options(extra: Partial<SmtpTransportOptions> = {}): SmtpTransportOptions {
  return {
    host: server.host,
    port: server.port,
    mode: 'starttls',
    ca: ca.certPem,
    auth: { user: 'alice', pass: USERS.alice },
    timeouts,
    ...extra,
  };
}

/** The verbs of the sessions opened from `fromSession` on (session ids in arrival order). */
function verbsSince(mark: number): string[][] {
  const ids = [...new Set(server.commands.map((c) => c.session))].slice(mark);
  return ids.map((id) => server.commands.filter((c) => c.session === id).map((c) => c.verb));
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the server');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sessionCount = () => new Set(server.commands.map((c) => c.session)).size;

async function failure(promise: Promise<unknown>): Promise<SealpostError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SealpostError);
  return err as SealpostError;
}

/** A loopback TCP proxy to the server that can drop its first connection or cut the open ones. */
async function startProxy(behaviour: { dropFirst: boolean }) {
  let accepted = 0;
  const sockets: Socket[] = [];
  const proxy = createServer((client) => {
    accepted += 1;
    sockets.push(client);
    if (behaviour.dropFirst && accepted === 1) {
      client.destroy();
      return;
    }
    const upstream = connect(server.port, server.host);
    sockets.push(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const cutAll = () => {
    for (const socket of sockets.splice(0)) socket.destroy();
  };
  return {
    port: (proxy.address() as AddressInfo).port,
    accepted: () => accepted,
    cutAll,
    close: async () => {
      cutAll();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

beforeAll(async () => {
  ca = await sharedTestCa();
  server = await startSubmissionServer({
    mode: 'starttls',
    certificate: await ca.issueServerCertificate(),
    users: USERS,
  });
});

afterAll(async () => {
  await server.close();
});

describe('SmtpTransport.open() (connect ahead)', () => {
  it('opens, secures and authenticates without MAIL, and the next send uses that session', async () => {
    const mark = sessionCount();
    const transport = createSmtpTransport(options());
    await transport.open();
    await until(() => verbsSince(mark)[0]?.includes('AUTH') === true);
    expect(verbsSince(mark)).toEqual([['EHLO', 'STARTTLS', 'EHLO', 'AUTH']]);
    const report = await transport.send({ envelope, raw });
    await transport.close();
    expect(report.reusedConnection).toBe(false);
    expect(report.auth).toMatchObject({ user: 'alice' });
    expect(report.tls?.validation).toBe('verified');
    expect(report.timings.connectMs).toBeGreaterThan(0);
    expect(report.timings.totalMs).toBeGreaterThanOrEqual(report.timings.connectMs);
    await until(() => verbsSince(mark)[0]?.includes('QUIT') === true);
    const [only, ...more] = verbsSince(mark);
    expect(more).toEqual([]);
    expect(only!.slice(0, 5)).toEqual(['EHLO', 'STARTTLS', 'EHLO', 'AUTH', 'MAIL']);
  });

  it('a send while the session is still opening waits for it instead of opening another', async () => {
    const mark = sessionCount();
    const transport = createSmtpTransport(options());
    const opening = transport.open();
    const report = await transport.send({ envelope, raw });
    await opening;
    await transport.close();
    expect(report.reusedConnection).toBe(false);
    expect(verbsSince(mark)).toHaveLength(1);
  });

  it('close() before any send ends the open session with QUIT, and no MAIL is ever sent', async () => {
    const mark = sessionCount();
    const closedBefore = server.sessions.closed;
    const transport = createSmtpTransport(options());
    await transport.open();
    await transport.close();
    await until(() => server.sessions.closed > closedBefore);
    await until(() => verbsSince(mark)[0]?.includes('QUIT') === true);
    expect(verbsSince(mark)).toEqual([['EHLO', 'STARTTLS', 'EHLO', 'AUTH', 'QUIT']]);
    await expect(transport.send({ envelope, raw })).rejects.toMatchObject({ code: 'ECONFIG' });
  });

  it('close() while the session is still opening tears it down at once', async () => {
    const silent = await startSilentServer();
    try {
      const transport = createSmtpTransport({
        host: silent.host,
        port: silent.port,
        mode: 'starttls',
        ca: ca.certPem,
        timeouts,
      });
      const opening = transport.open();
      await until(() => silent.connections() === 1);
      const started = performance.now();
      await transport.close();
      const err = await failure(opening);
      expect(err.code).toBe('ECONFIG');
      expect(err.message).toMatch(/closed before the session/);
      // Not the 3 s greeting timeout: the wait ended when the transport was closed.
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      await silent.close();
    }
  });

  it('an open() failure has the code a send without open() has: certificate not trusted', async () => {
    // No --ca: the system store does not know the test CA, so verification fails.
    const { ca: _, ...untrusted } = options();
    const viaOpen = await failure(createSmtpTransport(untrusted).open());
    const viaSend = await failure(createSmtpTransport(untrusted).send({ envelope, raw }));
    expect(viaOpen.code).toBe('ECERT_UNTRUSTED');
    expect(viaSend.code).toBe('ECERT_UNTRUSTED');
  });

  it('an open() failure has the code a send without open() has: AUTH refused', async () => {
    const wrong = options({ auth: { user: 'alice', pass: 'wrong' } });
    const viaOpen = await failure(createSmtpTransport(wrong).open());
    const viaSend = await failure(createSmtpTransport(wrong).send({ envelope, raw }));
    expect(viaOpen.code).toBe('EAUTH');
    expect(viaSend.code).toBe('EAUTH');
    expect(viaOpen.message).not.toContain('wrong');
  });

  it('a send after a failed open() opens a fresh session', async () => {
    const proxy = await startProxy({ dropFirst: true });
    try {
      const transport = createSmtpTransport(options({ port: proxy.port, servername: 'localhost' }));
      const err = await failure(transport.open());
      expect(err.code).toBe('ECONNLOST');
      const report = await transport.send({ envelope, raw });
      await transport.close();
      expect(report.accepted).toEqual(['bob@example.test']);
      expect(proxy.accepted()).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('a session opened ahead that the server dropped while it waited: the send takes a fresh one', async () => {
    const proxy = await startProxy({ dropFirst: false });
    try {
      const transport = createSmtpTransport(options({ port: proxy.port, servername: 'localhost' }));
      await transport.open();
      proxy.cutAll(); // the server's idle timeout, say
      await new Promise((r) => setTimeout(r, 50));
      const report = await transport.send({ envelope, raw });
      await transport.close();
      expect(report.accepted).toEqual(['bob@example.test']);
      expect(report.reusedConnection).toBe(false);
      expect(proxy.accepted()).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('a session opened ahead that drops as MAIL goes out: the message is retried on a fresh one', async () => {
    const proxy = await startProxy({ dropFirst: false });
    try {
      const transport = createSmtpTransport(options({ port: proxy.port, servername: 'localhost' }));
      await transport.open();
      // Cut in the same turn as the send: the client learns of it only from MAIL's failure
      // (ECONNLOST, nothing of the message delivered), and the transport starts over once.
      const sending = transport.send({ envelope, raw });
      proxy.cutAll();
      const report = await sending;
      await transport.close();
      expect(report.accepted).toEqual(['bob@example.test']);
      expect(proxy.accepted()).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('a session that waited longer than maxAheadIdleMs is closed with QUIT and a fresh one used', async () => {
    const mark = sessionCount();
    const transport = createSmtpTransport(options({ maxAheadIdleMs: 50 }));
    await transport.open();
    await new Promise((r) => setTimeout(r, 120));
    // QUIT as soon as the limit passed, not when the send came.
    await until(() => verbsSince(mark)[0]?.includes('QUIT') === true);
    const report = await transport.send({ envelope, raw });
    await transport.close();
    expect(report.accepted).toEqual(['bob@example.test']);
    await until(() => verbsSince(mark).length === 2 && verbsSince(mark)[1]!.includes('QUIT'));
    const [stale, fresh] = verbsSince(mark);
    expect(stale).toEqual(['EHLO', 'STARTTLS', 'EHLO', 'AUTH', 'QUIT']);
    expect(fresh).toContain('MAIL');
  });

  it('warms a pool: the first send goes over the session opened ahead', async () => {
    const mark = sessionCount();
    const transport = createSmtpTransport(options({ pool: true, maxConnections: 1 }));
    await transport.open();
    const first = await transport.send({ envelope, raw });
    const second = await transport.send({ envelope, raw });
    await transport.close();
    expect([first.reusedConnection, second.reusedConnection]).toEqual([false, true]);
    expect(verbsSince(mark)).toHaveLength(1);
  });
});

import { createServer, type Socket } from 'node:net';
import {
  closedPort,
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPortMode } from './detect-mode.js';
import { selectTransport } from './select-transport.js';
import { createSmtpTransport } from './smtp-transport.js';

let caPem: string;
let implicit: RunningSubmissionServer;
let starttls: RunningSubmissionServer;
const timeouts = { connectMs: 2_000, greetingMs: 2_000, socketMs: 3_000 };

/** A port that records every byte a client sends and answers with `reply` (or nothing). */
async function listener(reply?: string) {
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (b) => received.push(b));
    socket.on('error', () => {});
    if (reply === 'close') socket.end();
    else if (reply) socket.write(reply);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    received: () => Buffer.concat(received),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  const ca = await sharedTestCa();
  caPem = ca.certPem;
  const certificate = await ca.issueServerCertificate();
  implicit = await startSubmissionServer({ mode: 'implicit-tls', certificate });
  starttls = await startSubmissionServer({ mode: 'starttls', certificate });
});
afterAll(async () => {
  await implicit.close();
  await starttls.close();
});

describe('detectPortMode', () => {
  it('hears a greeting in clear on a STARTTLS port', async () => {
    const found = await detectPortMode('127.0.0.1', starttls.port, { greetingWaitMs: 1_500 });
    expect(found.mode).toBe('starttls');
  });

  it('takes silence for implicit TLS, and writes nothing while it listens', async () => {
    const quiet = await listener();
    try {
      const found = await detectPortMode('127.0.0.1', quiet.port, { greetingWaitMs: 300 });
      expect(found.mode).toBe('implicit-tls');
      expect(found.evidence).toContain('waits for a TLS handshake');
      expect(quiet.received().length).toBe(0);
    } finally {
      await quiet.close();
    }
  });

  it('says at once what to try when the port neither greets nor waits', async () => {
    for (const reply of ['close', 'HTTP/1.1 400 Bad Request\r\n\r\n']) {
      const odd = await listener(reply);
      try {
        await expect(
          detectPortMode('127.0.0.1', odd.port, { greetingWaitMs: 1_000 }),
        ).rejects.toMatchObject({
          code: 'ETLS_MODE_UNKNOWN',
          message: expect.stringContaining('--tls implicit or --tls starttls'),
        });
        expect(odd.received().length).toBe(0);
      } finally {
        await odd.close();
      }
    }
  });

  it('reports a refused port as ECONNREFUSED', async () => {
    await expect(detectPortMode('127.0.0.1', await closedPort())).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('selectTransport on an unfamiliar fixed port', () => {
  it('sends over implicit TLS to a port that waits for TLS, instead of timing out on STARTTLS', async () => {
    const selection = await selectTransport('127.0.0.1', {
      port: implicit.port,
      ca: caPem,
      servername: 'localhost',
      timeouts,
      cache: false,
      detect: { greetingWaitMs: 500 },
    });
    expect(selection.endpoint.mode).toBe('implicit-tls');
    expect(selection.detected?.mode).toBe('implicit-tls');
    const transport = createSmtpTransport(selection.endpoint);
    try {
      const raw = new TextEncoder().encode(
        'From: a@example.org\r\nTo: b@example.org\r\nSubject: detect\r\n\r\nhello\r\n',
      );
      await transport.send({ envelope: { from: 'a@example.org', to: ['b@example.org'] }, raw });
    } finally {
      await transport.close();
    }
    expect(implicit.messages.at(-1)?.to).toEqual(['b@example.org']);
  });

  it('keeps STARTTLS for a port that greets in clear, and the table for 587', async () => {
    const selection = await selectTransport('127.0.0.1', {
      port: starttls.port,
      ca: caPem,
      servername: 'localhost',
      timeouts,
      cache: false,
    });
    expect(selection.endpoint.mode).toBe('starttls');
    const known = await selectTransport('127.0.0.1', { port: 587, cache: false, timeouts });
    expect(known.endpoint.mode).toBe('starttls');
    expect(known.detected).toBeUndefined();
  });
});

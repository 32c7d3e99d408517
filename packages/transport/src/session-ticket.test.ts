import { EventEmitter } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { respondSmtp, sharedTestCa } from '@sealpost/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  afterSessionTicket,
  TICKET_WAIT_MAX_MS,
  TICKET_WAIT_MIN_MS,
  ticketWaitMs,
} from './session-ticket.js';
import { openSession } from './smtp-session.js';

/** A STARTTLS server on 127.0.0.1 whose TLS ends at `maxVersion` (Node's server sends tickets). */
async function startTlsServer(maxVersion: 'TLSv1.2' | 'TLSv1.3') {
  const ca = await sharedTestCa();
  const certificate = await ca.issueServerCertificate();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    respondSmtp(socket, {
      extensions: ['STARTTLS'],
      onCommand(line, raw) {
        if (line.toUpperCase() !== 'STARTTLS') return false;
        raw.removeAllListeners('data');
        raw.write('220 2.0.0 Ready to start TLS\r\n');
        const secure = new TLSSocket(raw as Socket, {
          isServer: true,
          key: certificate.keyPem,
          cert: certificate.chainPem ?? certificate.certPem,
          maxVersion,
        });
        secure.on('error', () => {});
        respondSmtp(secure, { extensions: ['SIZE 1000000'], greet: false });
        return true;
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    caPem: ca.certPem,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A STARTTLS session with that server, trusting its CA. */
function openOn(server: { port: number; caPem: string }) {
  return openSession({
    host: '127.0.0.1',
    port: server.port,
    mode: 'starttls',
    ca: server.caPem,
    clientName: 'client.test',
  });
}

/** Records, in order, the client's session tickets and what it writes inside TLS. */
function recordClientTls(): string[] {
  const seen: string[] = [];
  const emit = TLSSocket.prototype.emit as (this: TLSSocket, ...args: unknown[]) => boolean;
  vi.spyOn(TLSSocket.prototype, 'emit').mockImplementation(function (
    this: TLSSocket,
    ...args: unknown[]
  ) {
    if (args[0] === 'session') seen.push('ticket');
    return emit.apply(this, args);
  });
  const write = TLSSocket.prototype.write;
  vi.spyOn(TLSSocket.prototype, 'write').mockImplementation(function (
    this: TLSSocket,
    ...args: Parameters<TLSSocket['write']>
  ) {
    const text = Buffer.from(args[0] as Uint8Array).toString('latin1');
    if (/^[A-Z]{4}/.test(text)) seen.push(text.split(' ')[0]!.trim());
    return write.apply(this, args);
  });
  return seen;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('EHLO after STARTTLS', () => {
  it('goes out after the TLS 1.3 session ticket, not with the Finished', async () => {
    const server = await startTlsServer('TLSv1.3');
    const seen = recordClientTls();
    try {
      const session = await openOn(server);
      expect(session.tls?.version).toBe('TLSv1.3');
      // Node's server sends two tickets; the EHLO inside TLS follows the first.
      expect(seen[0]).toBe('ticket');
      expect(seen.indexOf('EHLO')).toBeGreaterThan(0);
      session.connection.close();
    } finally {
      await server.close();
    }
  });

  it('does not wait under TLS 1.2 (the ticket came with the handshake)', async () => {
    const server = await startTlsServer('TLSv1.2');
    const seen = recordClientTls();
    try {
      const session = await openOn(server);
      expect(session.tls?.version).toBe('TLSv1.2');
      expect(seen).toContain('EHLO');
      session.connection.close();
    } finally {
      await server.close();
    }
  });
});

/** Just enough of a TLSSocket for afterSessionTicket. */
function fakeSocket(protocol: string) {
  return Object.assign(new EventEmitter(), {
    destroyed: false,
    getProtocol: () => protocol,
  }) as unknown as TLSSocket;
}

describe('afterSessionTicket', () => {
  const settled = (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => {
      done = true;
    });
    return () => done;
  };

  it('waits for the ticket, and no longer than the given time without one', async () => {
    vi.useFakeTimers();
    const ticketless = settled(afterSessionTicket(fakeSocket('TLSv1.3'), 20));
    await vi.advanceTimersByTimeAsync(19);
    expect(ticketless()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(ticketless()).toBe(true);

    const socket = fakeSocket('TLSv1.3');
    const ticketed = settled(afterSessionTicket(socket, 20));
    await vi.advanceTimersByTimeAsync(2);
    expect(ticketed()).toBe(false);
    socket.emit('session', Buffer.alloc(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(ticketed()).toBe(true);
    expect(socket.listenerCount('session') + socket.listenerCount('close')).toBe(0);
  });

  it('goes on when the socket closes, and at once below TLS 1.3', async () => {
    vi.useFakeTimers();
    const socket = fakeSocket('TLSv1.3');
    const closing = settled(afterSessionTicket(socket, 20));
    socket.emit('close');
    await vi.advanceTimersByTimeAsync(0);
    expect(closing()).toBe(true);

    const old = settled(afterSessionTicket(fakeSocket('TLSv1.2'), 20));
    await vi.advanceTimersByTimeAsync(0);
    expect(old()).toBe(true);
  });

  it('bounds the wait by about one handshake time', () => {
    expect(ticketWaitMs(0.3)).toBe(TICKET_WAIT_MIN_MS);
    expect(ticketWaitMs(12.2)).toBe(13);
    expect(ticketWaitMs(900)).toBe(TICKET_WAIT_MAX_MS);
  });
});

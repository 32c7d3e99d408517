/**
 * Hostile SMTP peers on 127.0.0.1 for security regression tests (docs/design.md §4, issue 3):
 * STARTTLS stripping (RFC 3207 §6), STARTTLS response injection (CVE-2011-0411 class),
 * a drop after the end of DATA, cleartext on an implicit-TLS port, and a silent port.
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import { type RawResponderRecord, respondSmtp } from './raw-smtp-responder.js';
import type { ServerCertificate } from './submission-server.js';

export interface HostileServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** TCP connections accepted so far (to prove a client did not even try). */
  connections(): number;
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>): Promise<HostileServer> {
  let accepted = 0;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface StrippingProxy extends HostileServer {
  /** Every byte the client sent through the proxy, in order (all of it cleartext). */
  clientBytes(): Buffer;
}

/**
 * A man in the middle in front of a real server: removes STARTTLS from the EHLO reply and
 * answers a STARTTLS command itself with 454, so client and server never start TLS.
 */
export async function startStartTlsStrippingProxy(upstream: {
  host: string;
  port: number;
}): Promise<StrippingProxy> {
  const seen: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const origin = connect(upstream.port, upstream.host);
    sockets.add(origin);
    origin.on('error', () => client.destroy());
    client.on('error', () => origin.destroy());
    client.on('close', () => origin.destroy());
    origin.on('close', () => client.destroy());
    let fromServer = '';
    origin.on('data', (chunk: Buffer) => {
      fromServer += chunk.toString('latin1');
      const lines = fromServer.split('\r\n');
      fromServer = lines.pop()!;
      const kept = lines.filter((line) => !/^250[ -]STARTTLS\b/i.test(line));
      // The last line of a multi-line reply may have been the one removed: fix the separator.
      const fixed = kept.map((line, i) => {
        const next = kept[i + 1];
        if (/^250-/.test(line) && (next === undefined || !/^250[ -]/.test(next))) {
          return `250 ${line.slice(4)}`;
        }
        return line;
      });
      if (fixed.length) client.write(`${fixed.join('\r\n')}\r\n`);
    });
    let fromClient = '';
    client.on('data', (chunk: Buffer) => {
      seen.push(Buffer.from(chunk));
      fromClient += chunk.toString('latin1');
      const lines = fromClient.split('\r\n');
      fromClient = lines.pop()!;
      for (const line of lines) {
        if (/^STARTTLS$/i.test(line.trim())) client.write('454 4.7.0 TLS not available\r\n');
        else origin.write(`${line}\r\n`);
      }
    });
  });
  const running = await listen(server, sockets);
  return { ...running, clientBytes: () => Buffer.concat(seen) };
}

export interface RecordingServer extends HostileServer {
  readonly record: RawResponderRecord;
}

/**
 * Answers STARTTLS with "220 Ready to start TLS" followed, in the same segment, by replies
 * the client never asked for. A client that keeps them would read them as the answers to its
 * first commands inside TLS. After the handshake the server behaves honestly.
 */
export async function startStartTlsInjectionServer(
  certificate: ServerCertificate,
  injected = '250-injected.test\r\n250 AUTH INJECTED\r\n535 5.7.8 injected\r\n',
): Promise<RecordingServer> {
  const sockets = new Set<Socket>();
  const record: RawResponderRecord = { commands: [], messages: [] };
  const server = createServer((socket) => {
    respondSmtp(
      socket,
      {
        extensions: ['PIPELINING', 'STARTTLS'],
        onCommand(line, raw) {
          if (line.toUpperCase() !== 'STARTTLS') return false;
          raw.removeAllListeners('data');
          raw.write(`220 2.0.0 Ready to start TLS\r\n${injected}`);
          const secure = new TLSSocket(raw as Socket, {
            isServer: true,
            key: certificate.keyPem,
            cert: certificate.chainPem ?? certificate.certPem,
          });
          secure.on('error', () => {});
          respondSmtp(
            secure,
            { extensions: ['AUTH PLAIN LOGIN', 'SIZE 1000000'], greet: false },
            record,
          );
          return true;
        },
      },
      record,
    );
  });
  return { ...(await listen(server, sockets)), record };
}

/** Says yes to STARTTLS ("220") and then never starts the TLS handshake. */
export async function startStartTlsStallServer(): Promise<RecordingServer> {
  const sockets = new Set<Socket>();
  const record: RawResponderRecord = { commands: [], messages: [] };
  const server = createServer((socket) => {
    respondSmtp(
      socket,
      {
        extensions: ['STARTTLS'],
        onCommand(line, raw) {
          if (line.toUpperCase() !== 'STARTTLS') return false;
          raw.removeAllListeners('data');
          raw.write('220 2.0.0 Ready to start TLS\r\n');
          return true;
        },
      },
      record,
    );
  });
  return { ...(await listen(server, sockets)), record };
}

/**
 * Implicit TLS, honest until the final "." of DATA, then drops the connection unanswered
 * (or, with `hang`, keeps it open and never answers; with `drop-at-354`, drops before the
 * message has arrived, which is not ambiguous).
 */
export async function startDropAfterDataServer(
  certificate: ServerCertificate,
  behaviour: 'drop' | 'hang' | 'drop-at-354' = 'drop',
): Promise<RecordingServer> {
  const sockets = new Set<Socket>();
  const record: RawResponderRecord = { commands: [], messages: [] };
  const server = createTlsServer(
    { key: certificate.keyPem, cert: certificate.chainPem ?? certificate.certPem },
    (socket) =>
      respondSmtp(
        socket,
        { extensions: ['AUTH PLAIN', 'PIPELINING'], afterData: behaviour },
        record,
      ),
  );
  server.on('tlsClientError', () => {});
  const running = await listen(server, sockets);
  // A TLS server tracks raw sockets on 'connection' too, so close() also ends those.
  return { ...running, record };
}

/** A port that speaks cleartext SMTP where the client expects implicit TLS. */
export async function startCleartextServer(): Promise<RecordingServer> {
  const sockets = new Set<Socket>();
  const record: RawResponderRecord = { commands: [], messages: [] };
  const server = createServer((socket) =>
    respondSmtp(socket, { extensions: ['AUTH PLAIN'] }, record),
  );
  return { ...(await listen(server, sockets)), record };
}

/** Accepts TCP connections and never says anything (a filtered or wedged server). */
export async function startSilentServer(): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.on('error', () => {});
  });
  return listen(server, sockets);
}

/** A loopback port with nothing listening: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

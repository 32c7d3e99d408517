/**
 * A loopback HTTPS server with a certificate from the test CA, answering from a table keyed by
 * host name and path, e.g. "mta-sts.example.test/.well-known/mta-sts.txt" (RFC 8461 §3.3).
 * Tests change the table while it runs and read what was requested.
 */
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { type IssuedCertificate, sharedTestCa, type TestCa } from '../test-ca.js';

export interface HttpsRoute {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Wait this long before answering (timeout tests). */
  readonly delayMs?: number;
}

export interface HttpsRequestLogEntry {
  /** Host header without the port. */
  readonly host: string;
  readonly path: string;
  /** Server name the client sent in the TLS handshake (SNI), if any. */
  readonly servername: string | null;
}

export interface HttpsServerOptions {
  /** Certificate to present; default: one from `ca` for `hosts`. */
  readonly certificate?: IssuedCertificate;
  readonly ca?: TestCa;
  /** Names for the default certificate; default localhost and 127.0.0.1. */
  readonly hosts?: readonly string[];
  /** "host/path" → response. */
  readonly routes?: Readonly<Record<string, HttpsRoute>>;
}

export interface HttpsServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly certificate: IssuedCertificate;
  /** PEM of the issuing CA (the certificate's own PEM when it is self-signed). */
  readonly caPem: string;
  readonly requests: HttpsRequestLogEntry[];
  set(hostAndPath: string, route: HttpsRoute): void;
  delete(hostAndPath: string): void;
  close(): Promise<void>;
}

export async function startHttpsServer(options: HttpsServerOptions = {}): Promise<HttpsServer> {
  const ca = options.ca ?? (await sharedTestCa());
  const certificate =
    options.certificate ??
    (await ca.issueServerCertificate({ hosts: options.hosts ?? ['localhost', '127.0.0.1'] }));
  const routes = new Map(Object.entries(options.routes ?? {}));
  const requests: HttpsRequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer(
    { cert: certificate.chainPem, key: certificate.keyPem, minVersion: 'TLSv1.2' },
    (request, response) => {
      const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const servername = (request.socket as TLSSocket).servername;
      requests.push({ host, path, servername: typeof servername === 'string' ? servername : null });
      const route = routes.get(`${host}${path}`);
      const answer = () => {
        if (!route) {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
          return;
        }
        response.writeHead(route.status ?? 200, { ...route.headers });
        response.end(route.body ?? '');
      };
      if (route?.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, route.delayMs);
        timers.add(timer);
      } else {
        answer();
      }
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const caPem = options.certificate && !options.ca ? certificate.certPem : ca.certPem;

  return {
    host: '127.0.0.1',
    port,
    certificate,
    caPem,
    requests,
    set: (key, route) => routes.set(key, route),
    delete: (key) => routes.delete(key),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A loopback HTTPS server that plays the key directories of test domains: WKD advanced
 * (openpgpkey.<domain>) and direct (<domain>) and a keys.openpgp.org-style VKS, with a
 * certificate from the test CA. `fetcher` connects every host name to 127.0.0.1 (as if DNS
 * said so) and verifies the certificate against the test CA only; host names listed as
 * unresolvable fail like a DNS miss.
 */
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { sharedTestCa } from './test-ca.js';

export interface WkdFetchResponse {
  readonly status: number;
  readonly body: Uint8Array;
}

export type WkdFetcher = (
  url: string,
  options: { signal: AbortSignal; maxBytes: number },
) => Promise<WkdFetchResponse>;

export interface WkdServer {
  readonly port: number;
  /** Serves `body` at https://<host><pathAndQuery-without-query>. */
  publish(host: string, path: string, body: Uint8Array | string): void;
  /** Every request seen, as "host path?query". */
  readonly requests: string[];
  /** A fetcher for @sealpost/pgp's discovery functions. */
  readonly fetcher: WkdFetcher;
  close(): Promise<void>;
}

export interface WkdServerOptions {
  /** Host names in the certificate; default example.org, openpgpkey.example.org, keys.example.net. */
  readonly hosts?: readonly string[];
  /** Host names the fetcher treats as not resolving. */
  readonly unresolvable?: readonly string[];
}

export async function startWkdServer(options: WkdServerOptions = {}): Promise<WkdServer> {
  const hosts = options.hosts ?? ['example.org', 'openpgpkey.example.org', 'keys.example.net'];
  const ca = await sharedTestCa();
  const cert = await ca.issueServerCertificate({ hosts: [...hosts] });
  const routes = new Map<string, Uint8Array>();
  const requests: string[] = [];
  const server: Server = createServer({ key: cert.keyPem, cert: cert.chainPem }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const url = req.url ?? '/';
    requests.push(`${host} ${url}`);
    const body = routes.get(`${host}${url.split('?')[0]}`);
    if (req.method !== 'GET' || !body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const unresolvable = new Set((options.unresolvable ?? []).map((h) => h.toLowerCase()));

  const fetcher: WkdFetcher = (url, { signal, maxBytes }) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(new Error(`only https is served, not ${target.protocol}`));
        return;
      }
      if (unresolvable.has(target.hostname)) {
        reject(
          Object.assign(new Error(`getaddrinfo ENOTFOUND ${target.hostname}`), {
            code: 'ENOTFOUND',
          }),
        );
        return;
      }
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          servername: target.hostname,
          headers: { host: target.hostname },
          ca: ca.certPem,
          signal,
          timeout: 5000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) req.destroy(new Error('response too large'));
            else chunks.push(c);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: new Uint8Array(Buffer.concat(chunks)) }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end();
    });

  return {
    port,
    requests,
    fetcher,
    publish(host, path, body) {
      routes.set(
        `${host.toLowerCase()}${path}`,
        typeof body === 'string' ? new TextEncoder().encode(body) : body,
      );
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

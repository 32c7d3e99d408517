/**
 * The recipient domain's MTA-STS policy host on 127.0.0.1 (RFC 8461 §3.3): HTTPS with a
 * certificate for mta-sts.<domain>, serving /.well-known/mta-sts.txt as text/plain. It
 * counts the fetches, so the demo can show the relay really asked.
 */
import { createServer } from 'node:https';

export interface PolicyServer {
  readonly port: number;
  /** The Host headers of the policy requests served. */
  readonly fetches: readonly string[];
  close(): Promise<void>;
}

export async function startPolicyServer(options: {
  readonly host: string;
  readonly policy: string;
  readonly tls: { readonly keyPem: string; readonly chainPem: string };
}): Promise<PolicyServer> {
  const fetches: string[] = [];
  const server = createServer(
    { key: options.tls.keyPem, cert: options.tls.chainPem, minVersion: 'TLSv1.2' },
    (req, res) => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      if (req.method !== 'GET' || req.url !== '/.well-known/mta-sts.txt' || host !== options.host) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      fetches.push(host);
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end(options.policy);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    fetches,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedTestCa } from '../test-ca.js';
import { type HttpsServer, startHttpsServer } from './https-server.js';

let server: HttpsServer;

beforeAll(async () => {
  server = await startHttpsServer({
    hosts: ['mta-sts.example.test'],
    routes: {
      'mta-sts.example.test/.well-known/mta-sts.txt': {
        headers: { 'content-type': 'text/plain' },
        body: 'version: STSv1\r\n',
      },
    },
  });
});
afterAll(() => server.close());

function get(host: string, path: string, ca: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        servername: host,
        headers: { host },
        path,
        ca,
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

describe('loopback HTTPS server', () => {
  it('serves a route by host and path, verified against the test CA', async () => {
    const ca = await sharedTestCa();
    const { status, body } = await get(
      'mta-sts.example.test',
      '/.well-known/mta-sts.txt',
      ca.certPem,
    );
    expect(status).toBe(200);
    expect(body).toBe('version: STSv1\r\n');
    expect(server.requests.at(-1)).toEqual({
      host: 'mta-sts.example.test',
      path: '/.well-known/mta-sts.txt',
      servername: 'mta-sts.example.test',
    });
    // The certificate names only mta-sts.example.test: another name fails verification.
    await expect(get('other.example.test', '/', ca.certPem)).rejects.toThrow(/altnames/);
  });

  it('answers 404 for unknown routes and picks up changes', async () => {
    const ca = await sharedTestCa();
    expect((await get('mta-sts.example.test', '/nope', ca.certPem)).status).toBe(404);
    server.set('mta-sts.example.test/nope', { status: 301, headers: { location: 'https://x/' } });
    expect((await get('mta-sts.example.test', '/nope', ca.certPem)).status).toBe(301);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedTestCa, startSubmissionServer } from '@sealpost/testkit';
import { describe, expect, it } from 'vitest';
import { parseServer, submissionTransport } from './submission-transport.js';

describe('parseServer', () => {
  it('reads HOST, HOST:PORT and [IPv6]:PORT', () => {
    expect(parseServer('smtp.example.org')).toEqual({ host: 'smtp.example.org' });
    expect(parseServer('smtp.example.org:465')).toEqual({ host: 'smtp.example.org', port: 465 });
    expect(parseServer('[::1]:2525')).toEqual({ host: '::1', port: 2525 });
  });

  it('refuses what is not a host and port', () => {
    for (const bad of [
      'smtp.example.org:0',
      'smtp.example.org:70000',
      'a b',
      'host:port',
      'a:1:2',
    ]) {
      expect(() => parseServer(bad), bad).toThrow(/--server|out of range/);
    }
  });
});

describe('submissionTransport pooling', () => {
  it('keeps sessions open when asked to pool, and opens one per message otherwise', async () => {
    const ca = await sharedTestCa();
    const server = await startSubmissionServer({
      mode: 'implicit-tls',
      certificate: await ca.issueServerCertificate(),
    });
    const dir = mkdtempSync(join(tmpdir(), 'sealpost-pool-'));
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    const raw = new TextEncoder().encode('Subject: x\r\n\r\nbody\r\n');
    const envelope = { from: 'a@example.org', to: ['b@example.org'] };
    try {
      const settings = {
        server: `127.0.0.1:${server.port}`,
        tls: 'implicit',
        ca: join(dir, 'ca.pem'),
      };
      const pooled = await submissionTransport({ ...settings, pool: true, maxConnections: 2 });
      expect(pooled.transport.options).toMatchObject({ pool: true, maxConnections: 2 });
      const reports = [];
      for (let i = 0; i < 3; i++) reports.push(await pooled.transport.send({ envelope, raw }));
      expect(reports.map((r) => r.reusedConnection)).toEqual([false, true, true]);
      await pooled.transport.close();
      const single = await submissionTransport(settings);
      expect(single.transport.options.pool).toBeUndefined();
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A large message is streamed from the caller's Readable to the socket, never collected in
 * memory first: 128 MiB go through while the process grows by far less than that.
 */
import { Readable } from 'node:stream';
import {
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSmtpTransport } from '../src/smtp-transport.js';

const MIB = 1024 * 1024;
const TOTAL = 128 * MIB;
let server: RunningSubmissionServer;
let caPem: string;

beforeAll(async () => {
  const ca = await sharedTestCa();
  caPem = ca.certPem;
  server = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate: await ca.issueServerCertificate(),
    keepData: false,
  });
});

afterAll(async () => {
  await server?.close();
});

/** Generates the message lazily: headers, then 78-byte lines, 64 KiB at a time. */
function largeMessage(): Readable {
  const line = Buffer.from(`${'y'.repeat(76)}\r\n`);
  const chunk = Buffer.concat(Array.from({ length: 840 }, () => line));
  let sent = 0;
  return new Readable({
    read() {
      if (sent === 0) this.push(Buffer.from('Subject: large\r\n\r\n'));
      if (sent >= TOTAL) {
        this.push(null);
        return;
      }
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

it('streams 128 MiB without buffering the message', async () => {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const report = await createSmtpTransport({
    host: server.host,
    port: server.port,
    mode: 'implicit-tls',
    ca: caPem,
    timeouts: { connectMs: 3_000, greetingMs: 3_000, socketMs: 10_000 },
  }).send({ envelope: { from: 'a@x.test', to: ['b@x.test'] }, raw: largeMessage() });
  clearInterval(sampler);
  expect(server.messages.at(-1)!.size).toBeGreaterThan(TOTAL);
  expect(report.messageSize).toBeGreaterThan(TOTAL);
  // Buffering would need at least the message size; streaming needs a few socket buffers.
  expect(peak - before).toBeLessThan(80 * MIB);
});

/**
 * STARTTLS response injection (RFC 3207 §6; the CVE-2011-0411 class): replies sent in the
 * same segment as "220 Ready to start TLS" arrive before the handshake and must be thrown
 * away, not read as answers to the first commands inside TLS.
 */
import {
  type RecordingServer,
  sharedTestCa,
  startStartTlsInjectionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../src/smtp-transport.js';
import { envelope, message, timeouts } from './helpers.js';

let server: RecordingServer;
let caPem: string;

beforeAll(async () => {
  const ca = await sharedTestCa();
  caPem = ca.certPem;
  server = await startStartTlsInjectionServer(await ca.issueServerCertificate());
});

afterAll(async () => {
  await server?.close();
});

describe('STARTTLS response injection', () => {
  it('discards the injected replies and uses only what the server says inside TLS', async () => {
    const transport = createSmtpTransport({
      host: server.host,
      port: server.port,
      mode: 'starttls',
      ca: caPem,
      auth: { user: 'alice', pass: 'pw', method: 'PLAIN' },
      timeouts,
    });
    const report = await transport.send({ envelope, raw: message('injection') });
    await transport.close();

    // The injected "250 AUTH INJECTED" / "535" were not taken as the post-TLS EHLO reply…
    expect(report.capabilities).not.toContain('AUTH INJECTED');
    expect(report.capabilities.join(' ')).not.toMatch(/INJECTED/);
    expect(report.capabilities).toEqual(['AUTH PLAIN LOGIN', 'SIZE 1000000']);
    expect(report.auth).toEqual({ mechanism: 'PLAIN', user: 'alice' });
    expect(report.mode).toBe('starttls');
    // …the client re-issued EHLO inside TLS and the dialogue stayed in step.
    const afterTls = server.record.commands.slice(server.record.commands.indexOf('STARTTLS') + 1);
    expect(afterTls[0]).toMatch(/^EHLO /);
    expect(afterTls.some((c) => c.startsWith('MAIL FROM:<alice@example.test>'))).toBe(true);
    expect(server.record.messages).toHaveLength(1);
    expect(server.record.messages[0]!.toString('latin1')).toContain('Subject: injection');
  });
});

/**
 * Interop with a real submission server: Postfix (with Dovecot SASL) on implicit TLS
 * (wrapper mode, RFC 8314) and STARTTLS (smtpd_tls_security_level=encrypt, RFC 3207). The
 * delivered Maildir file must equal what we sent, byte for byte, once the trace headers
 * Postfix adds are removed (and CRLF is LF, as Maildir stores it).
 */
import { randomBytes } from 'node:crypto';
import { type PostfixInstance, startPostfix } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../src/probe.js';
import { createSmtpTransport } from '../src/smtp-transport.js';

let postfix: PostfixInstance;
const timeouts = { connectMs: 5_000, greetingMs: 10_000, socketMs: 20_000 };

beforeAll(async () => {
  postfix = await startPostfix();
}, 60_000);

afterAll(async () => {
  await postfix?.stop();
});

/** The stored message without the trace headers Postfix prepends (Return-Path, X-Original-To,
 * Delivered-To, Received); Maildir stores LF line ends. */
function withoutTraceHeaders(delivered: Buffer): Buffer {
  const text = delivered.toString('latin1');
  const lines = text.split('\n');
  let i = 0;
  while (
    i < lines.length &&
    /^(Return-Path|X-Original-To|Delivered-To|Received):/i.test(lines[i]!)
  ) {
    i += 1;
    while (i < lines.length && /^[ \t]/.test(lines[i]!)) i += 1; // folded continuation
  }
  return Buffer.from(lines.slice(i).join('\n'), 'latin1');
}

function message(tag: string): Uint8Array {
  const body = Array.from(
    { length: 40 },
    (_, n) => `line ${n} ${randomBytes(24).toString('base64')}`,
  );
  return new TextEncoder().encode(
    [
      'From: Sealpost Test <sealpost@example.test>',
      'To: Recipient <rcpt@example.test>',
      `Subject: postfix ${tag}`,
      `Message-ID: <${tag}.${randomBytes(6).toString('hex')}@example.test>`,
      'Date: Fri, 27 Nov 2026 12:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      ...body,
      '.leading dot survives dot-stuffing',
      '',
    ].join('\r\n'),
  );
}

describe.each([
  ['implicit TLS', 'implicit-tls', () => postfix.implicitTlsPort],
  ['STARTTLS', 'starttls', () => postfix.startTlsPort],
] as const)('Postfix submission over %s', (_name, mode, port) => {
  it('authenticates, delivers the exact bytes and reports the TLS session', async () => {
    const before = postfix.messages().length;
    const raw = message(mode);
    const transport = createSmtpTransport({
      host: postfix.host,
      port: port(),
      mode,
      ca: postfix.caPem,
      auth: { user: postfix.user, pass: postfix.password },
      timeouts,
    });
    const report = await transport.send({
      envelope: { from: 'sealpost@example.test', to: ['rcpt@example.test'] },
      raw,
    });
    await transport.close();

    expect(report.mode).toBe(mode);
    expect(report.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(report.tls?.certificate?.fingerprint256).toBe(postfix.certificate.fingerprint256);
    expect(report.auth?.user).toBe(postfix.user);
    expect(report.response).toMatch(/^250 /);
    expect(report.queueId).toMatch(/^[0-9A-Za-z]+$/);
    expect(JSON.stringify(report)).not.toContain(postfix.password);

    const delivered = (await postfix.waitForMessages(before + 1)).at(-1)!;
    const expected = Buffer.from(new TextDecoder().decode(raw).replace(/\r\n/g, '\n'), 'latin1');
    expect(withoutTraceHeaders(delivered.raw).equals(expected)).toBe(true);
    // Postfix's own Received line names the protocol and cipher it saw: they must agree.
    const received = delivered.raw.toString('latin1');
    expect(received).toMatch(/^Received: /m);
    expect(received).toContain(`using ${report.tls!.version} with cipher ${report.tls!.cipher}`);
    expect(received).toMatch(/with ESMTPSA id /);
  });
});

/**
 * Postfix writes one "disconnect from … ehlo=1 auth=1 mail=1 …" summary per SMTP session, some
 * time after it ends. This waits until every session so far has one, and returns them in order.
 */
async function settledSessionSummaries(): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const logs = postfix.logs();
    const connects = logs.match(/smtpd\[\d+\]: connect from/g)?.length ?? 0;
    const summaries = logs.match(/smtpd\[\d+\]: disconnect from [^\n]*/g) ?? [];
    if (summaries.length === connects) return summaries;
    if (Date.now() > deadline) throw new Error(`sessions without a summary after 10 s:\n${logs}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('probe against Postfix', () => {
  it('reports both submission ports with their TLS facts, and never logs in or sends', async () => {
    const sessionsBefore = (await settledSessionSummaries()).length;
    const report = await probe(postfix.host, {
      ca: postfix.caPem,
      timeoutMs: 10_000,
      ports: [
        { port: postfix.implicitTlsPort, mode: 'implicit-tls' },
        { port: postfix.startTlsPort, mode: 'starttls' },
      ],
    });
    for (const result of report.ports) {
      expect(result.reachable).toBe('open');
      expect(result.usable).toBe(true);
      expect(result.banner).toMatch(/^220 /);
      expect(result.tls).toMatchObject({ chainValid: true, hostnameMatch: true });
      expect(result.tls!.version).toMatch(/^TLSv1\.[23]$/);
      expect(result.tls!.cipher).toMatch(/\w/);
      expect(result.tls!.certificate!.fingerprint256).toBe(postfix.certificate.fingerprint256);
      expect(result.extensions!.auth.length).toBeGreaterThan(0);
    }
    expect(report.recommended).toEqual({ port: postfix.implicitTlsPort, mode: 'implicit-tls' });
    // Postfix's own account of the probe's two sessions: EHLO/STARTTLS/QUIT, no AUTH, no MAIL.
    const probed = (await settledSessionSummaries()).slice(sessionsBefore);
    expect(probed).toHaveLength(2);
    for (const line of probed) expect(line).not.toMatch(/\b(auth|mail|rcpt|data)=/);
  });
});

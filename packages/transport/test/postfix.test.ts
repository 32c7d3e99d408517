// Against a real Postfix (Dovecot SASL, delivering to a Maildir): submission with implicit TLS
// (wrapper mode) and with STARTTLS required, a byte-for-byte check of what was delivered, and
// the probe's facts about both ports.
import { type PostfixInstance, startPostfix } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport, probe } from '../src/index.js';

let postfix: PostfixInstance;

beforeAll(async () => {
  postfix = await startPostfix();
}, 90_000);

afterAll(async () => {
  await postfix?.stop();
});

/** What Postfix puts on top on delivery (Return-Path, X-Original-To, Delivered-To, Received). */
function withoutDeliveryTrace(raw: Buffer): string {
  const text = raw.toString('latin1');
  const lines = text.split('\n');
  let i = 0;
  while (
    i < lines.length &&
    /^(Return-Path|X-Original-To|Delivered-To|Received):/i.test(lines[i]!)
  ) {
    i++;
    while (i < lines.length && /^[ \t]/.test(lines[i]!)) i++; // folded continuation lines
  }
  return lines.slice(i).join('\n');
}

function message(id: string): Uint8Array {
  return new TextEncoder().encode(
    `From: sender@example.net\r\nTo: rcpt@example.org\r\nSubject: via ${id}\r\n` +
      `Message-ID: <${id}@example.net>\r\nDate: Fri, 27 Nov 2026 18:00:00 +0000\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\n\r\n${'Exactly these bytes.\r\n'.repeat(40)}`,
  );
}

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

const timeouts = { connectMs: 10_000, greetingMs: 10_000, socketMs: 20_000 };

describe('submission to Postfix', () => {
  it.each([
    ['implicit-tls', () => postfix.implicitTlsPort, 1],
    ['starttls', () => postfix.startTlsPort, 2],
  ] as const)(
    'delivers over %s exactly what was sent, with a verified TLS report',
    async (mode, port, count) => {
      const transport = createSmtpTransport({
        host: '127.0.0.1',
        port: port(),
        mode,
        servername: 'localhost',
        ca: postfix.caPem,
        auth: { user: postfix.user, pass: postfix.password },
        timeouts,
      });
      const raw = message(mode);
      try {
        const report = await transport.send({
          envelope: { from: 'sender@example.net', to: ['rcpt@example.org'] },
          raw,
        });
        expect(report).toMatchObject({ mode, accepted: ['rcpt@example.org'], rejected: [] });
        expect(report.tls?.validation).toBe('verified');
        expect(report.tls?.version).toMatch(/^TLSv1\.[23]$/);
        expect(report.tls?.certificate?.fingerprint256).toBe(postfix.certificate.fingerprint256);
        expect(report.auth).toEqual({
          mechanism: expect.stringMatching(/PLAIN|LOGIN/),
          user: postfix.user,
        });
        expect(report.queueId).toMatch(/^[0-9A-Za-z]+$/);
      } finally {
        await transport.close();
      }
      const delivered = await postfix.waitForMessages(count, 15_000);
      // Postfix stores with Unix line ends and adds its trace on top; the rest is byte-for-byte ours.
      const sent = new TextDecoder().decode(raw).replaceAll('\r\n', '\n');
      expect(withoutDeliveryTrace(delivered[count - 1]!.raw)).toBe(sent);
      expect(postfix.logs()).not.toMatch(/warning: .*(TLS|SASL)/i);
    },
  );

  it('is probed with the facts a user needs: both ports usable, implicit TLS recommended', async () => {
    const before = (await settledSessionSummaries()).length;
    const report = await probe('127.0.0.1', {
      servername: 'localhost',
      ca: postfix.caPem,
      ports: [
        { port: postfix.implicitTlsPort, mode: 'implicit-tls' },
        { port: postfix.startTlsPort, mode: 'starttls' },
      ],
      timeoutMs: 10_000,
    });
    const [implicit, starttls] = report.ports;
    for (const p of [implicit!, starttls!]) {
      expect(p.reachable).toBe('open');
      expect(p.usable).toBe(true);
      expect(p.tls).toMatchObject({ chainValid: true, hostnameMatch: true });
      expect(p.tls?.certificate?.fingerprint256).toBe(postfix.certificate.fingerprint256);
      expect(p.extensions?.auth).toEqual(expect.arrayContaining(['PLAIN']));
      expect(p.banner).toMatch(/^220 /);
    }
    expect(starttls!.extensions?.starttls).toBe(false); // already inside TLS: Postfix stops offering it
    expect(report.recommended).toEqual({ port: postfix.implicitTlsPort, mode: 'implicit-tls' });
    // The probe never logs in or sends: its own sessions end with no AUTH and no MAIL.
    const probed = (await settledSessionSummaries()).slice(before);
    expect(probed).toHaveLength(2);
    for (const line of probed) expect(line).not.toMatch(/\b(auth|mail|rcpt|data)=/);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedTestCa } from '@sealpost/testkit';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoNetwork, startDemoNetwork } from '../src/demo/network.js';

const MARKER = 'Quarterly numbers: 7 apples';
let dir: string;
let network: DemoNetwork;
let caPem: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sealpost-demo-net-'));
  const ca = await sharedTestCa();
  const leaf = await ca.issueServerCertificate();
  caPem = ca.certPem;
  network = await startDemoNetwork({
    dir,
    tls: { caPem, keyPem: leaf.keyPem, chainPem: leaf.chainPem },
  });
});

afterAll(async () => {
  await network?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function submit(port: number, secure: boolean, raw: string) {
  const connection = new SMTPConnection({
    host: '127.0.0.1',
    port,
    secure,
    requireTLS: !secure,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10000,
    tls: { ca: caPem, servername: 'localhost' },
  });
  await new Promise<void>((resolve, reject) => {
    connection.once('error', reject);
    connection.connect(() => resolve());
  });
  await new Promise<void>((resolve, reject) =>
    connection.login(
      { user: network.credentials.user, pass: network.credentials.password },
      (err) => (err ? reject(err) : resolve()),
    ),
  );
  await new Promise<void>((resolve, reject) =>
    connection.send({ from: 'me@sender.localhost', to: ['you@recipient.localhost'] }, raw, (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  connection.quit();
}

const message = (subject: string) =>
  `From: me@sender.localhost\r\nTo: you@recipient.localhost\r\nSubject: ${subject}\r\n\r\n${MARKER}\r\n`;

describe('the demo network', () => {
  it('carries a message over implicit TLS through every hop, each keeping a readable copy', async () => {
    await submit(network.submission.implicitTlsPort, true, message('via 465-style port'));
    for (const hop of Object.values(network.hops)) {
      const copy = hop.copies.at(-1)!;
      expect(copy.bytes.toString(), hop.name).toContain(MARKER);
      expect(readFileSync(copy.file, 'utf8')).toContain(MARKER);
      expect(copy.envelope).toEqual({
        from: 'me@sender.localhost',
        to: ['you@recipient.localhost'],
      });
    }
    // Relays add trace headers on top, as real MTAs do.
    expect(network.hops.mailbox.copies.at(-1)!.bytes.toString()).toMatch(
      /^Received: from .* by relay\.localhost/,
    );
  });

  it('records only TLS records on the implicit-TLS link and on server-to-server links', async () => {
    const first = network.links.toSubmissionImplicit.chunks[0]!;
    expect(first.direction).toBe('up');
    expect([first.bytes[0], first.bytes[1]]).toEqual([0x16, 0x03]); // TLS handshake record
    for (const link of Object.values(network.links)) {
      const all = Buffer.concat([link.bytes('up'), link.bytes('down')]).toString('latin1');
      expect(all, link.name).not.toContain(MARKER);
      expect(all, link.name).not.toContain('you@recipient.localhost');
    }
  });

  it('shows the cleartext EHLO before STARTTLS on the 587-style link, and nothing after it', async () => {
    await submit(network.submission.startTlsPort, false, message('via 587-style port'));
    const up = network.links.toSubmissionStartTls.bytes('up').toString('latin1');
    expect(up).toMatch(/^EHLO /);
    expect(up).toContain('STARTTLS\r\n');
    expect(up).not.toContain('AUTH');
    expect(up).not.toContain(MARKER);
    expect(network.hops.mailbox.copies.at(-1)!.bytes.toString()).toContain('via 587-style port');
  });

  async function mailFromInCleartext(port: number) {
    return new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let text = '';
      const timer = setTimeout(() => reject(new Error(`timeout; got ${text}`)), 5000);
      socket.on('data', (c) => {
        text += c.toString();
        if (text.startsWith('220') && !text.includes('EHLO-sent')) {
          text += 'EHLO-sent';
          socket.write('EHLO attacker\r\nMAIL FROM:<x@y.localhost>\r\n');
        }
        if (/\r\n5\d\d /.test(text)) {
          clearTimeout(timer);
          socket.destroy();
          resolve(text);
        }
      });
      socket.once('error', reject);
    });
  }

  it('refuses mail in cleartext on every STARTTLS port (530)', async () => {
    // The submission server wants AUTH first (and AUTH only after STARTTLS) ...
    expect(await mailFromInCleartext(network.hops.submission.ports.starttls!)).toMatch(/\r\n530 /);
    // ... and the relay, which needs no AUTH, still wants TLS first.
    expect(await mailFromInCleartext(network.hops.relay.ports.starttls!)).toMatch(
      /\r\n530 .*STARTTLS/,
    );
  });
});

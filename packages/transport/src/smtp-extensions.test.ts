// MAIL FROM parameters from the Envelope (RFC 6531 SMTPUTF8, RFC 6152 8BITMIME) and the message
// size (RFC 1870 SIZE), seen on the wire
// by a recording SMTP responder on loopback.
import { createServer, type Server } from 'node:net';
import { Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import { type RawResponderRecord, respondSmtp } from '@sealpost/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from './envelope.js';
import { createSmtpTransport } from './smtp-transport.js';

const timeouts = { connectMs: 3_000, greetingMs: 3_000, socketMs: 5_000 };
const raw = new TextEncoder().encode('Subject: t\r\n\r\nHello.\r\n');
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function recordingServer(extensions: readonly string[]) {
  const record: RawResponderRecord = { commands: [], messages: [] };
  const server = createServer((socket) => respondSmtp(socket, { extensions }, record));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { record, port };
}

async function send(
  port: number,
  envelope: Envelope,
  size?: number,
  body: Uint8Array | Readable = raw,
) {
  const transport = createSmtpTransport({
    host: '127.0.0.1',
    port,
    mode: 'none',
    allowCleartext: true,
    timeouts,
  });
  try {
    return await transport.send({ envelope, raw: body, ...(size === undefined ? {} : { size }) });
  } finally {
    await transport.close();
  }
}

const mailFrom = (record: RawResponderRecord) =>
  record.commands.filter((c) => c.toUpperCase().startsWith('MAIL FROM'));

describe('MAIL FROM parameters from the envelope', () => {
  it('says SMTPUTF8 for a non-ASCII local part, and not for an ASCII envelope', async () => {
    const { record, port } = await recordingServer(['SMTPUTF8', '8BITMIME']);
    await send(port, { from: 'me@example.test', to: ['bob@example.test'] });
    await send(port, { from: 'me@example.test', to: ['jürgen@example.test'], smtputf8: true });
    const [ascii, utf8] = mailFrom(record);
    expect(ascii).toBe('MAIL FROM:<me@example.test>');
    expect(utf8).toMatch(/^MAIL FROM:<me@example\.test> .*\bSMTPUTF8\b/);
    expect(utf8!.match(/SMTPUTF8/g)).toHaveLength(1);
    expect(record.messages).toHaveLength(2);
  });

  it('says SMTPUTF8 for an ASCII envelope whose message needs it (UTF-8 header fields)', async () => {
    const { record, port } = await recordingServer(['SMTPUTF8']);
    await send(port, { from: 'me@example.test', to: ['bob@example.test'], smtputf8: true });
    await send(port, { from: 'me@example.test', to: ['bob@example.test'] });
    expect(mailFrom(record)).toEqual([
      'MAIL FROM:<me@example.test> SMTPUTF8',
      'MAIL FROM:<me@example.test>',
    ]);
  });

  it('says BODY=8BITMIME only when the envelope asks and the server offers it', async () => {
    const { record, port } = await recordingServer(['8BITMIME']);
    await send(port, { from: 'me@example.test', to: ['bob@example.test'], eightBitMime: true });
    expect(mailFrom(record)).toEqual(['MAIL FROM:<me@example.test> BODY=8BITMIME']);
  });

  it('refuses clearly, before MAIL FROM, when SMTPUTF8 is needed and not offered', async () => {
    const { record, port } = await recordingServer(['8BITMIME']);
    const error = await send(port, {
      from: 'me@example.test',
      to: ['jürgen@example.test'],
      smtputf8: true,
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SealpostError);
    expect((error as SealpostError).code).toBe('ESMTPUTF8');
    expect((error as SealpostError).message).toContain('SMTPUTF8');
    expect(mailFrom(record)).toEqual([]);
    expect(record.messages).toEqual([]);
  });

  it('declares the size in MAIL FROM when the server offers SIZE, and not otherwise', async () => {
    const envelope = { from: 'me@example.test', to: ['bob@example.test'] };
    const limited = await recordingServer(['SIZE 1000']);
    await send(limited.port, envelope, raw.length);
    await send(limited.port, envelope);
    expect(mailFrom(limited.record)).toEqual([
      `MAIL FROM:<me@example.test> SIZE=${raw.length}`,
      'MAIL FROM:<me@example.test>',
    ]);
    const without = await recordingServer(['8BITMIME']);
    await send(without.port, envelope, raw.length);
    expect(mailFrom(without.record)).toEqual(['MAIL FROM:<me@example.test>']);
  });

  it('refuses a message over the SIZE limit before MAIL FROM, with the limit and the size', async () => {
    const { record, port } = await recordingServer(['SIZE 1000', '8BITMIME']);
    const error = await send(
      port,
      { from: 'me@example.test', to: ['bob@example.test'] },
      1001,
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SealpostError);
    expect((error as SealpostError).code).toBe('ETOOBIG');
    expect((error as SealpostError).message).toMatch(
      /at most 1000 octets, as its EHLO says \(SIZE, RFC 1870\); this one has 1001 octets\. Nothing was sent\./,
    );
    expect((error as SealpostError).details).toMatchObject({ limit: 1000, size: 1001 });
    expect(mailFrom(record)).toEqual([]);
    expect(record.messages).toEqual([]);
  });

  it('takes any size when the server says SIZE without a limit, or SIZE 0', async () => {
    for (const extension of ['SIZE', 'SIZE 0']) {
      const { record, port } = await recordingServer([extension]);
      await send(port, { from: 'me@example.test', to: ['bob@example.test'] }, 10_000_000);
      expect(record.messages, extension).toHaveLength(1);
    }
  });

  it('closes the stream of a message it refuses before MAIL FROM', async () => {
    const { port } = await recordingServer(['SIZE 10']);
    const stream = Readable.from([raw]);
    const envelope = { from: 'me@example.test', to: ['bob@example.test'] };
    const error = await send(port, envelope, raw.length, stream).catch((err: unknown) => err);
    expect((error as SealpostError).code).toBe('ETOOBIG');
    expect(stream.destroyed).toBe(true);
  });
});

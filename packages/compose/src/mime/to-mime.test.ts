import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { chunksOf } from '@sealpost/testkit';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { createMessage } from '../message/create-message.js';
import { toMime, toMimeStream } from './to-mime.js';

const dir = mkdtempSync(join(tmpdir(), 'sealpost-compose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { from: 'Alice <alice@example.org>', to: 'Bob <bob@example.org>' } as const;
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

function expectCanonical(bytes: Uint8Array): void {
  const s = text(bytes);
  expect(s).not.toMatch(/[^\r]\n|\r[^\n]/);
  for (const line of s.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
}

describe('toMime', () => {
  it('writes CRLF only, even for a 7bit text part given with bare LF', async () => {
    const bytes = await toMime(
      createMessage({ ...base, subject: 'lf', text: 'one\ntwo\rthree\n' }),
    );
    expectCanonical(bytes);
    const parsed = await simpleParser(Buffer.from(bytes));
    expect(parsed.text).toBe('one\ntwo\nthree\n');
    expect(parsed.from?.value).toEqual([{ name: 'Alice', address: 'alice@example.org' }]);
  });

  it('never writes Bcc, and the envelope holds to + cc + bcc', async () => {
    const message = createMessage({
      ...base,
      cc: 'carol@example.org',
      bcc: ['Eve <eve@example.org>', 'dave@example.org'],
      text: 'x',
    });
    const s = text(await toMime(message));
    expect(s).not.toMatch(/^bcc:/im);
    expect(s).not.toContain('eve@example.org');
    expect(s).not.toContain('dave@example.org');
    expect(message.envelope).toEqual({
      from: 'alice@example.org',
      to: ['bob@example.org', 'carol@example.org', 'eve@example.org', 'dave@example.org'],
    });
  });

  it('encodes a non-ASCII subject (RFC 2047) and file names (RFC 2231) that mailparser reads back', async () => {
    const subject =
      'Grüße aus Köln — 📎 Anhänge für Sie, mit einem sehr langen Betreff der gefaltet wird';
    const filename = 'Übersicht März 2026 — Entwurf (endgültig).pdf';
    const bytes = await toMime(
      createMessage({
        ...base,
        subject,
        text: 'Siehe Anhang.',
        attachments: [
          { filename, contentType: 'application/pdf', content: new Uint8Array([1, 2, 3]) },
        ],
      }),
    );
    expectCanonical(bytes);
    expect(text(bytes)).toMatch(/^[\x20-\x7e\r\n]*$/);
    const parsed = await simpleParser(Buffer.from(bytes));
    expect(parsed.subject).toBe(subject);
    expect(parsed.attachments[0]?.filename).toBe(filename);
    expect([...parsed.attachments[0]!.content]).toEqual([1, 2, 3]);
  });

  it('keeps every line at or under 998 octets with long text, HTML, subject and headers', async () => {
    const long = 'word '.repeat(600);
    const bytes = await toMime(
      createMessage({
        ...base,
        subject: long.trim(),
        text: 'x'.repeat(5000),
        html: `<p>${'y'.repeat(5000)}</p>`,
        headers: { 'X-Long': long.trim() },
      }),
    );
    expectCanonical(bytes);
    const parsed = await simpleParser(Buffer.from(bytes));
    expect(parsed.text?.trim()).toBe('x'.repeat(5000));
    expect(parsed.headers.get('x-long')).toBe(long.trim());
  });

  it('writes IDN domains as A-labels and a non-ASCII local part as UTF-8 (RFC 6532)', async () => {
    const message = createMessage({
      from: 'Jörg <jörg@example.org>',
      to: 'info@bücher.example',
      text: 'x',
    });
    const bytes = await toMime(message);
    expectCanonical(bytes);
    const parsed = await simpleParser(Buffer.from(bytes));
    expect(parsed.from?.value).toEqual([{ name: 'Jörg', address: 'jörg@example.org' }]);
    const to = parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : [];
    // The header carries the A-label; mailparser shows it decoded.
    expect(text(bytes)).toMatch(/^To: info@xn--bcher-kva\.example\r$/m);
    expect(to.map((a) => a.address)).toEqual(['info@bücher.example']);
    expect(message.envelope.smtputf8).toBe(true);
  });

  it('writes a message with an empty body', async () => {
    const bytes = await toMime(createMessage({ ...base, subject: 'empty', text: '' }));
    expectCanonical(bytes);
    const parsed = await simpleParser(Buffer.from(bytes));
    expect(parsed.subject).toBe('empty');
    expect(parsed.text ?? '').toBe('');
    expect(parsed.attachments).toEqual([]);
  });

  it('writes a message with only attachments (bytes, a file path and a stream)', async () => {
    const path = join(dir, 'report.csv');
    writeFileSync(path, 'a,b\n1,2\n');
    const message = createMessage({
      ...base,
      attachments: [
        { filename: 'one.bin', content: new Uint8Array([0, 255, 10, 13]) },
        { path },
        {
          filename: 'three.txt',
          contentType: 'text/plain',
          stream: Readable.from([Buffer.from('streamed\n')]),
        },
      ],
    });
    const bytes = await toMime(message);
    expectCanonical(bytes);
    const parsed = await simpleParser(Buffer.from(bytes));
    expect(parsed.text ?? '').toBe('');
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString('latin1')])).toEqual([
      ['one.bin', '\u0000\u00ff\n\r'],
      ['report.csv', 'a,b\n1,2\n'],
      ['three.txt', 'streamed\n'],
    ]);
    await expect(toMime(message)).rejects.toMatchObject({ code: 'EATTACHMENT' });
  });

  it('forSigning: text quoted-printable, attachments base64, body 7-bit (RFC 3156 §3, RFC 8551 §3.1)', async () => {
    const message = createMessage({
      ...base,
      subject: 'signed',
      text: 'From the start \nplain',
      html: '<p>hi</p>',
      attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: 'ascii only' }],
    });
    const s = text(await toMime(message, { forSigning: true }));
    const body = s.slice(s.indexOf('\r\n\r\n'));
    expect(body).toMatch(/^[\x20-\x7e\r\n]*$/);
    const encodings = [...body.matchAll(/Content-Transfer-Encoding: (\S+)/g)].map((m) => m[1]);
    expect(encodings).toEqual(['quoted-printable', 'quoted-printable', 'base64']);
    const plain = text(await toMime(message));
    expect(plain).toMatch(/Content-Transfer-Encoding: 7bit/);
    const parsed = await simpleParser(Buffer.from(s, 'latin1'));
    expect(parsed.text).toBe('From the start \nplain');
  });

  it('deterministic output is byte-identical across runs; default output is not', async () => {
    const input = {
      ...base,
      subject: 'same',
      text: 'same',
      attachments: [{ filename: 'x.txt', content: 'x' }],
    };
    const a = await toMime(createMessage(input), { deterministic: true });
    const b = await toMime(createMessage(input), { deterministic: true });
    expect(a).toEqual(b);
    const c = await toMime(createMessage(input));
    const d = await toMime(createMessage(input));
    expect(c).not.toEqual(d);
  });

  it('deterministic mode refuses content that holds its fixed boundary', async () => {
    const forged =
      '----_sealpost-deterministic-Part_1\r\nContent-Type: application/x-evil\r\n\r\nx';
    const message = createMessage({
      ...base,
      text: forged,
      attachments: [{ filename: 'a', content: 'a' }],
    });
    expect(() => toMimeStream(message, { deterministic: true })).toThrow(
      expect.objectContaining({ code: 'EMESSAGE' }),
    );
    const parsed = await simpleParser(Buffer.from(await toMime(message)));
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['a']);
  });

  it('streams canonical bytes equal to the buffered form', async () => {
    const message = createMessage({
      ...base,
      subject: 's',
      text: 'a\nb',
      attachments: [{ filename: 'z', content: 'z' }],
    });
    const chunks: Buffer[] = [];
    for await (const chunk of toMimeStream(message, { deterministic: true }))
      chunks.push(chunk as Buffer);
    expect(new Uint8Array(Buffer.concat(chunks))).toEqual(
      await toMime(message, { deterministic: true }),
    );
  });

  it('writes file and stream attachments (own base64 encoder) exactly as in-memory ones (nodemailer)', async () => {
    const bytes = randomBytes(57 * 4599 * 2 + 1234); // three file reads, the last one short
    const path = join(dir, 'large.bin');
    writeFileSync(path, bytes);
    const message = (attachment: Record<string, unknown>) =>
      createMessage({
        ...base,
        subject: 'large',
        text: 'see attached',
        attachments: [
          { filename: 'large.bin', contentType: 'application/octet-stream', ...attachment },
          { filename: 'empty.bin', content: new Uint8Array(0) },
        ],
      });
    for (const forSigning of [false, true]) {
      const options = { deterministic: true, forSigning };
      const expected = Buffer.from(await toMime(message({ content: bytes }), options));
      for (const attachment of [
        { path },
        { stream: Readable.from(chunksOf(bytes, [1, 56, 57, 100_000])) },
      ]) {
        const actual = Buffer.from(await toMime(message(attachment), options));
        expect(actual.equals(expected)).toBe(true);
      }
    }
  });

  it('reports an attachment file that vanished as EATTACHMENT', async () => {
    const path = join(dir, 'gone.txt');
    writeFileSync(path, 'soon gone');
    const message = createMessage({ ...base, attachments: [{ path }] });
    rmSync(path);
    await expect(toMime(message)).rejects.toMatchObject({ code: 'EATTACHMENT' });
  });
});

import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { fromLatin1, fromUtf8, latin1, utf8 } from './bytes.js';
import { decodeHeaderText } from './encoded-word.js';
import { joinMessage } from './message.js';
import {
  createEntity,
  decodeBody,
  entityContentType,
  getHeader,
  getHeaders,
  parseEntity,
  serializeEntity,
} from './mime-entity.js';

const from = { name: 'From', value: 'Alice <alice@example.org>' };
const to = { name: 'To', value: 'bob@example.org' };

describe('parseEntity / serializeEntity (RFC 2045 §2.4)', () => {
  it('round-trips canonical bytes exactly', () => {
    const bytes = fromLatin1(
      'Content-Type: text/plain; charset=us-ascii\r\nX-A: 1\r\nx-a: 2\r\n\r\nHello\r\nWorld\r\n',
    );
    const entity = parseEntity(bytes);
    expect(getHeader(entity, 'content-type')).toBe('text/plain; charset=us-ascii');
    expect(getHeaders(entity, 'X-A')).toEqual(['1', '2']);
    expect(latin1(entity.body)).toBe('Hello\r\nWorld\r\n');
    expect(serializeEntity(entity)).toEqual(bytes);
  });

  it('accepts LF line ends and folded fields, and writes CRLF', () => {
    const entity = parseEntity(
      fromLatin1('Content-Type: text/plain;\n charset=utf-8\n\nline\nline\n'),
    );
    expect(getHeader(entity, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(latin1(serializeEntity(entity))).toBe(
      'Content-Type: text/plain; charset=utf-8\r\n\r\nline\r\nline\r\n',
    );
  });

  it('reads a part without header fields and one without a body', () => {
    const bare = parseEntity(fromLatin1('\r\nbody only'));
    expect(bare.headers).toEqual([]);
    expect(entityContentType(bare).mediaType).toBe('text/plain');
    const headOnly = parseEntity(fromLatin1('Content-Type: text/plain\r\n'));
    expect(headOnly.body.length).toBe(0);
  });

  it('rejects a header section that is not one (EMIME)', () => {
    expect(() => parseEntity(fromLatin1('not a header\r\n\r\nbody'))).toThrow(
      expect.objectContaining({ code: 'EMIME' }),
    );
  });

  it('refuses to write a body line over 998 octets', () => {
    expect(() => serializeEntity({ headers: [], body: fromLatin1('a'.repeat(999)) })).toThrow(
      expect.objectContaining({ code: 'EMIME' }),
    );
  });
});

describe('createEntity', () => {
  it('uses 7bit for clean ASCII text, with CRLF and charset=utf-8', () => {
    const entity = createEntity({ contentType: 'text/plain', body: 'Hi\nthere\n' });
    expect(getHeader(entity, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(getHeader(entity, 'Content-Transfer-Encoding')).toBe('7bit');
    expect(latin1(entity.body)).toBe('Hi\r\nthere\r\n');
  });

  it('uses quoted-printable for non-ASCII or fragile text and base64 for binary', () => {
    const text = createEntity({ contentType: 'text/plain', body: 'Grüße\n' });
    expect(getHeader(text, 'Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(fromUtf8(decodeBody(text))).toBe('Grüße\r\n');
    const fragile = createEntity({ contentType: 'text/plain', body: 'From here \n' });
    expect(getHeader(fragile, 'Content-Transfer-Encoding')).toBe('quoted-printable');
    const binary = Uint8Array.from([0, 1, 2, 255, 10, 13]);
    const bin = createEntity({ contentType: 'application/octet-stream', body: binary });
    expect(getHeader(bin, 'Content-Transfer-Encoding')).toBe('base64');
    expect(decodeBody(bin)).toEqual(binary);
  });

  it('treats a string body of any type as text: armored data stays 7bit with CRLF', () => {
    const armor = '-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n';
    const sig = createEntity({ contentType: 'application/pgp-signature', body: armor });
    expect(getHeader(sig, 'Content-Transfer-Encoding')).toBe('7bit');
    expect(latin1(sig.body)).toBe(armor.replace(/\n/g, '\r\n'));
    const control = createEntity({
      contentType: 'application/pgp-encrypted',
      body: 'Version: 1\n',
    });
    expect(getHeader(control, 'Content-Type')).toBe('application/pgp-encrypted');
    expect(latin1(control.body)).toBe('Version: 1\r\n');
  });

  it('honours an explicit encoding and rejects one the data cannot use', () => {
    const b64 = createEntity({
      contentType: 'text/plain',
      body: 'abc',
      transferEncoding: 'base64',
    });
    expect(latin1(b64.body)).toBe('YWJj\r\n');
    expect(() =>
      createEntity({ contentType: 'text/plain', body: 'ü', transferEncoding: '7bit' }),
    ).toThrow(expect.objectContaining({ code: 'EMIME' }));
    const eight = createEntity({ contentType: 'text/plain', body: 'ü', transferEncoding: '8bit' });
    expect(fromUtf8(eight.body)).toBe('ü');
  });

  it('writes non-ASCII file names (RFC 2231) and descriptions (RFC 2047) that mailparser reads', async () => {
    const filename = 'Prüfbericht — März 2026 mit einem recht langen Namen.pdf';
    const part = createEntity({
      contentType: 'application/pdf',
      body: Uint8Array.from([37, 80, 68, 70, 0, 200]),
      filename,
      description: 'Übersicht',
      headers: [{ name: 'Content-ID', value: '<part1@example.org>' }],
    });
    const bytes = joinMessage([from, to, { name: 'Subject', value: 'test' }], part);
    expect(latin1(bytes)).toMatch(/^[\x20-\x7e\r\n]*$/);
    const parsed = await simpleParser(Buffer.from(bytes));
    const attachment = parsed.attachments[0]!;
    expect(attachment.filename).toBe(filename);
    expect(attachment.contentType).toBe('application/pdf');
    expect([...attachment.content]).toEqual([37, 80, 68, 70, 0, 200]);
    // mailparser leaves this field encoded; our decoder must read what our encoder wrote.
    expect(decodeHeaderText(String(parsed.headers.get('content-description')))).toBe('Übersicht');
  });

  it('rejects header injection through its inputs', () => {
    const code = expect.objectContaining({ code: 'EHEADER' });
    expect(() => createEntity({ contentType: 'text/plain\r\nBcc: x@y', body: '' })).toThrow(code);
    expect(() =>
      createEntity({
        contentType: 'text/plain',
        body: '',
        headers: [{ name: 'X', value: 'a\r\nB: c' }],
      }),
    ).toThrow(code);
    const named = createEntity({ contentType: 'text/plain', body: '', filename: 'a\r\nBcc: x@y' });
    expect(latin1(serializeEntity(named))).not.toMatch(/\r\nBcc:/);
  });

  it('text round-trips through mailparser', async () => {
    const text = 'Hallo Welt, ein längerer Text\nmit zwei Zeilen und € Zeichen.';
    const bytes = joinMessage([from, to], createEntity({ contentType: 'text/plain', body: text }));
    const parsed = await simpleParser(Buffer.from(bytes));
    expect(parsed.text?.replace(/\r?\n/g, '\n').trimEnd()).toBe(text);
    expect(fromUtf8(utf8(text))).toBe(text);
  });
});

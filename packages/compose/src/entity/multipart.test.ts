import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { fromLatin1, latin1 } from './bytes.js';
import { joinMessage } from './message.js';
import { createEntity, getHeader, parseEntity, serializeEntity } from './mime-entity.js';
import { createMultipart, parseMultipart } from './multipart.js';

const headers = [
  { name: 'From', value: 'alice@example.org' },
  { name: 'To', value: 'bob@example.org' },
  { name: 'Subject', value: 'multipart' },
];

describe('createMultipart / parseMultipart (RFC 2046 §5.1)', () => {
  it('gives back each part with raw bytes equal to its serialization', () => {
    const text = createEntity({ contentType: 'text/plain', body: 'first part\n' });
    const noFinalCrlf = createEntity({ contentType: 'text/plain', body: 'no final line end' });
    const bin = createEntity({
      contentType: 'application/octet-stream',
      body: Uint8Array.from([1, 2, 3]),
      filename: 'a.bin',
    });
    const mixed = createMultipart('mixed', [text, noFinalCrlf, bin], { boundary: 'b-1' });
    expect(getHeader(mixed, 'Content-Type')).toBe('multipart/mixed; boundary=b-1');
    const { boundary, parts } = parseMultipart(mixed);
    expect(boundary).toBe('b-1');
    expect(parts.map((p) => p.raw)).toEqual([text, noFinalCrlf, bin].map(serializeEntity));
    expect(parts.map((p) => p.entity)).toEqual([text, noFinalCrlf, bin]);
  });

  it('finds raw part bytes with a preamble, transport padding, an epilogue and LF input', () => {
    const body =
      'preamble --b not a delimiter\n--b  \nContent-Type: text/plain\n\nsigned\n\n--bx\n' +
      'still part one\n--b\n\npart two\n--b--\t\nepilogue\n';
    const entity = parseEntity(fromLatin1(`Content-Type: multipart/signed; boundary=b\n\n${body}`));
    const { parts } = parseMultipart(entity);
    expect(parts.map((p) => latin1(p.raw))).toEqual([
      'Content-Type: text/plain\r\n\r\nsigned\r\n\r\n--bx\r\nstill part one',
      '\r\npart two',
    ]);
  });

  it('nests and round-trips through mailparser', async () => {
    const alternative = createMultipart('alternative', [
      createEntity({ contentType: 'text/plain', body: 'plain' }),
      createEntity({ contentType: 'text/html', body: '<p>html</p>' }),
    ]);
    const attachment = createEntity({
      contentType: 'application/octet-stream',
      body: Uint8Array.from([9, 8, 7]),
      filename: 'data.bin',
    });
    const bytes = joinMessage(headers, createMultipart('mixed', [alternative, attachment]));
    const parsed = await simpleParser(Buffer.from(bytes));
    expect(parsed.text?.trim()).toBe('plain');
    expect(parsed.html).toContain('<p>html</p>');
    expect(parsed.attachments.map((a) => [a.filename, [...a.content]])).toEqual([
      ['data.bin', [9, 8, 7]],
    ]);
  });

  it('passes extra parameters (multipart/signed) and picks a fresh boundary by default', () => {
    const a = createMultipart('signed', [createEntity({ contentType: 'text/plain', body: 'x' })], {
      params: { micalg: 'pgp-sha256', protocol: 'application/pgp-signature' },
    });
    const value = getHeader(a, 'Content-Type')!;
    expect(value).toMatch(
      /^multipart\/signed; micalg=pgp-sha256; protocol="application\/pgp-signature"; boundary=/,
    );
    const b = createMultipart('signed', []);
    expect(getHeader(b, 'Content-Type')).not.toBe(value);
  });

  it('rejects a boundary found in a part, a bad boundary and a missing close delimiter', () => {
    const code = expect.objectContaining({ code: 'EMIME' });
    const part = createEntity({ contentType: 'text/plain', body: 'text\n--b\nmore' });
    expect(() => createMultipart('mixed', [part], { boundary: 'b' })).toThrow(code);
    expect(() => createMultipart('mixed', [], { boundary: 'a\r\nb' })).toThrow(code);
    expect(() => createMultipart('mixed', [], { boundary: 'x'.repeat(71) })).toThrow(code);
    const open = parseEntity(
      fromLatin1('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n'),
    );
    expect(() => parseMultipart(open)).toThrow(code);
    const none = parseEntity(fromLatin1('Content-Type: multipart/mixed\r\n\r\n--b\r\n'));
    expect(() => parseMultipart(none)).toThrow(code);
    expect(() => parseMultipart(createEntity({ contentType: 'text/plain', body: '' }))).toThrow(
      code,
    );
  });
});

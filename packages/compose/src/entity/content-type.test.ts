import { describe, expect, it } from 'vitest';
import { formatContentType, formatParameter, parseContentType } from './content-type.js';

describe('Content-Type (RFC 2045 §5.1, RFC 2231)', () => {
  it('parses type, subtype and parameters case-insensitively, with quotes and comments', () => {
    const ct = parseContentType(
      'Multipart/Signed (a comment); Micalg=pgp-sha256; protocol="application/pgp-signature";\r\n boundary="a \\"b\\" c"',
    );
    expect(ct.mediaType).toBe('multipart/signed');
    expect(ct.type).toBe('multipart');
    expect(ct.subtype).toBe('signed');
    expect(ct.params).toEqual({
      micalg: 'pgp-sha256',
      protocol: 'application/pgp-signature',
      boundary: 'a "b" c',
    });
  });

  it('joins RFC 2231 continuations and decodes charsets', () => {
    const ct = parseContentType(
      "application/pdf; name*0*=utf-8''%C3%A4rger; name*1=\" und \"; name*2*=%E2%82%AC.pdf; x*=iso-8859-1'de'%E4",
    );
    expect(ct.params.name).toBe('ärger und €.pdf');
    expect(ct.params.x).toBe('ä');
  });

  it('formats tokens bare, other ASCII quoted and non-ASCII as RFC 2231, and parses it back', () => {
    const params = {
      charset: 'utf-8',
      boundary: 'with space',
      name: `Prüfbericht ${'lang '.repeat(20)}— Ω.pdf`,
      q: 'say "hi"',
    };
    const value = formatContentType('text/plain', params);
    expect(value).toMatch(/^text\/plain; charset=utf-8; boundary="with space"; name\*0\*=utf-8''/);
    expect(value).toMatch(/^[\x20-\x7e]*$/);
    expect(parseContentType(value).params).toEqual(params);
  });

  it('keeps long printable ASCII quoted (a 70-character boundary must not become RFC 2231)', () => {
    const boundary = `b${'-'.repeat(60)}123456789`;
    expect(formatContentType('multipart/mixed', { boundary })).toBe(
      `multipart/mixed; boundary=${boundary}`,
    );
    const name = `${'long file name '.repeat(10)}.txt`;
    expect(formatContentType('text/plain', { name })).toBe(`text/plain; name="${name}"`);
    expect(
      parseContentType(formatContentType('text/plain', { name: 'x'.repeat(600) })).params.name,
    ).toBe('x'.repeat(600));
  });

  it('rejects malformed values with EMIME and bad media types with EHEADER', () => {
    for (const bad of [
      'text',
      'text/',
      '/plain',
      'text/plain; =x',
      'text/plain; a="open',
      'a/b; c',
    ]) {
      expect(() => parseContentType(bad)).toThrow(expect.objectContaining({ code: 'EMIME' }));
    }
    expect(() => formatContentType('text/plain\r\nBcc: x')).toThrow(
      expect.objectContaining({ code: 'EHEADER' }),
    );
    expect(() => formatParameter('a b', 'c')).toThrow(expect.objectContaining({ code: 'EHEADER' }));
  });
});

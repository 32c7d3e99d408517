import { describe, expect, it } from 'vitest';
import { fromLatin1, latin1, utf8 } from './bytes.js';
import {
  decodeBase64,
  decodeQuotedPrintable,
  encodeBase64,
  encodeQuotedPrintable,
  parseTransferEncoding,
} from './transfer-encoding.js';

function pseudoRandom(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('base64 (RFC 2045 §6.8)', () => {
  it('matches known vectors (RFC 4648 §10)', () => {
    expect(encodeBase64(fromLatin1('foobar'))).toBe('Zm9vYmFy\r\n');
    expect(encodeBase64(fromLatin1('fooba'))).toBe('Zm9vYmE=\r\n');
    expect(encodeBase64(fromLatin1('foob'))).toBe('Zm9vYg==\r\n');
    expect(encodeBase64(new Uint8Array(0))).toBe('');
  });

  it('round-trips binary data in 76-character lines', () => {
    for (const size of [1, 2, 3, 57, 58, 1000]) {
      const data = pseudoRandom(size, size);
      const text = encodeBase64(data);
      for (const line of text.split('\r\n').slice(0, -1))
        expect(line.length).toBeLessThanOrEqual(76);
      expect(decodeBase64(text)).toEqual(data);
    }
  });
});

describe('quoted-printable (RFC 2045 §6.7)', () => {
  it('encodes trailing white space, "From " and "=" and keeps lines at 76', () => {
    const text = `From me\r\ntrailing \r\na=b\r\n${'x'.repeat(200)}\r\n.\r\n`;
    const encoded = encodeQuotedPrintable(fromLatin1(text));
    expect(encoded).toContain('=46rom me\r\n');
    expect(encoded).toContain('trailing=20\r\n');
    expect(encoded).toContain('a=3Db\r\n');
    expect(encoded).toContain('=2E\r\n');
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(latin1(decodeQuotedPrintable(encoded))).toBe(text);
  });

  it('round-trips UTF-8 text without splitting an escape over a soft break', () => {
    const text = `${'é'.repeat(120)}\r\nzwei Zeilen ü`;
    const encoded = encodeQuotedPrintable(utf8(text));
    expect(encoded).toMatch(/^[\x20-\x7e\r\n]*$/);
    expect(new TextDecoder().decode(decodeQuotedPrintable(encoded))).toBe(text);
  });

  it('decodes soft line breaks and keeps a stray "="', () => {
    expect(latin1(decodeQuotedPrintable('ab=\r\ncd=3D=ZZ  \r\n'))).toBe('abcd==ZZ\r\n');
  });
});

describe('parseTransferEncoding', () => {
  it('accepts the RFC 2045 values case-insensitively and rejects others', () => {
    expect(parseTransferEncoding(' Base64 ')).toBe('base64');
    expect(parseTransferEncoding(undefined)).toBe('7bit');
    expect(() => parseTransferEncoding('x-uuencode')).toThrow(
      expect.objectContaining({ code: 'EMIME' }),
    );
  });
});

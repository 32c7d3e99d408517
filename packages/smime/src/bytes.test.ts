import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64, encodeBase64Lines, toArrayBuffer } from './bytes.js';

describe('base64', () => {
  it.each([0, 1, 2, 3, 56, 57, 58, 114, 1000])(
    'encodeBase64Lines matches RFC 4648 for %i bytes',
    (n) => {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
      const text = new TextDecoder().decode(encodeBase64Lines(bytes));
      const lines = text.split('\r\n');
      expect(lines.pop()).toBe('');
      expect(lines.every((l) => l.length <= 76)).toBe(true);
      expect(lines.join('')).toBe(Buffer.from(bytes).toString('base64'));
      expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(text)).toEqual(bytes);
    },
  );
});

describe('toArrayBuffer', () => {
  it('gives exactly the bytes of a view, also of a pooled Node Buffer', () => {
    const pooled = Buffer.from('c2VhbHBvc3Q=', 'base64'); // a small Buffer shares an 8 KiB pool
    expect(pooled.byteOffset > 0 || pooled.buffer.byteLength > pooled.length).toBe(true);
    expect(new Uint8Array(toArrayBuffer(pooled))).toEqual(new Uint8Array(pooled));
    const view = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
    expect([...new Uint8Array(toArrayBuffer(view))]).toEqual([1, 2, 3]);
  });
});

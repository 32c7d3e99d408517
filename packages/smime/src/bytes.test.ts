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
  it('copies exactly the bytes of a pooled Node Buffer, not its whole pool', () => {
    const pooled = Buffer.from([1, 2, 3]); // small Buffers share one pool ArrayBuffer
    expect(pooled.buffer.byteLength).toBeGreaterThan(3);
    expect(new Uint8Array(toArrayBuffer(pooled))).toEqual(new Uint8Array([1, 2, 3]));
  });
});

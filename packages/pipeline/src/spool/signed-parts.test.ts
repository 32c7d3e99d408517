import { describe, expect, it } from 'vitest';
import { SignedPartSplitter } from './signed-parts.js';

/** Feeds `body` to a splitter in the given chunk sizes (cycled); returns content and rest. */
function split(body: Buffer, sizes: readonly number[]): { content: Buffer; rest: Buffer } {
  const content: Buffer[] = [];
  const splitter = new SignedPartSplitter('b-1', (bytes) => content.push(Buffer.from(bytes)));
  for (let at = 0, n = 0; at < body.length; n++) {
    const size = sizes[n % sizes.length]!;
    splitter.push(body.subarray(at, at + size));
    at += size;
  }
  return { content: Buffer.concat(content), rest: splitter.end() };
}

describe('SignedPartSplitter (multipart/signed, RFC 1847 §2.1)', () => {
  const content = `${'line of the signed part, with --b-0 and -b-1 near misses\r\n'.repeat(40)}end`;
  const rest = '\r\n--b-1\r\nContent-Type: application/pkcs7-signature\r\n\r\nsig\r\n--b-1--\r\n';
  const body = Buffer.from(`preamble\r\n--b-1\r\n${content}${rest}`);

  it('finds the first part and the rest whatever the chunk borders', () => {
    for (const sizes of [
      [1],
      [2],
      [3],
      [7],
      [9],
      [10],
      [11],
      [64],
      [1000],
      [body.length],
      [5, 1, 300],
    ]) {
      const got = split(body, sizes);
      expect(got.content.toString('latin1'), JSON.stringify(sizes)).toBe(content);
      expect(got.rest.toString('latin1')).toBe(rest);
    }
    // A border at every octet around the closing delimiter.
    const at = body.indexOf('\r\n--b-1\r\nContent-Type');
    for (let first = at - 12; first <= at + 12; first++) {
      const got = split(body, [first, 9, body.length]);
      expect(got.content.toString('latin1'), String(first)).toBe(content);
      expect(got.rest.toString('latin1')).toBe(rest);
    }
  });

  it('refuses a body without a second part', () => {
    expect(() => split(Buffer.from(`--b-1\r\n${content}`), [100])).toThrow(/no second part/);
  });
});

import { describe, expect, it } from 'vitest';
import { fromLatin1, latin1 } from './bytes.js';
import { canonicalizeLineEnds, hasOnlyCrlf, longestLine } from './line-ends.js';

describe('canonicalizeLineEnds', () => {
  it('turns bare LF and bare CR into CRLF and keeps CRLF', () => {
    const out = canonicalizeLineEnds(fromLatin1('a\nb\rc\r\nd\n\re'));
    expect(latin1(out)).toBe('a\r\nb\r\nc\r\nd\r\n\r\ne');
    expect(hasOnlyCrlf(out)).toBe(true);
  });

  it('returns canonical input unchanged', () => {
    const input = fromLatin1('x\r\ny\r\n');
    expect(canonicalizeLineEnds(input)).toBe(input);
  });

  it('handles a trailing CR', () => {
    expect(latin1(canonicalizeLineEnds(fromLatin1('a\r')))).toBe('a\r\n');
  });

  it('measures the longest line without its CRLF', () => {
    expect(longestLine(fromLatin1('abc\r\nabcdef\r\nab'))).toBe(6);
    expect(longestLine(fromLatin1('abcdefgh'))).toBe(8);
  });
});

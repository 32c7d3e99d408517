import { describe, expect, it } from 'vitest';
import { clean, colonHex, keyValueRows, terminalText, wrap } from './layout.js';

describe('text layout', () => {
  it('neutralises terminal control sequences from untrusted text, keeps the rest', () => {
    expect(clean('a\u001b[2J\u001b]0;owned\u0007b\u009bc')).toBe(
      'a\uFFFD[2J\uFFFD]0;owned\uFFFDb\uFFFDc',
    );
    expect(clean('Grüße, 日本 — tab\tok')).toBe('Grüße, 日本 — tab\tok');
    // Bidi overrides reorder the rest of the line ("Trojan Source").
    expect(clean('valid \u202edilavni\u2066')).toBe('valid \uFFFDdilavni\uFFFD');
  });

  it('shows a whole message with its line ends as line breaks and nothing else raw', () => {
    const message = new TextEncoder().encode('A: b\r\n\r\nline\r\n\u001b[1Aup\rback\r\n');
    expect(terminalText(message)).toBe('A: b\n\nline\n\uFFFD[1Aup\nback');
  });

  it('wraps at the width and aligns rows', () => {
    expect(wrap('aaa bbb ccc', 7, '  ')).toBe('aaa bbb\n  ccc');
    expect(
      keyValueRows(
        [
          ['a', 'x'],
          ['long', 'y'],
        ],
        '',
      ),
    ).toBe('a     x\nlong  y');
    expect(colonHex('0a0bff')).toBe('0A:0B:FF');
  });
});

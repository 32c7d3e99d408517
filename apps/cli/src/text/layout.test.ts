import { describe, expect, it } from 'vitest';
import { clean, colonHex, keyValueRows, terminalText, wrap } from './layout.js';

describe('text layout', () => {
  it('breaks a word longer than the line after a slash, else hard, never past the width', () => {
    const path = `/home/someone/${'deeply/nested/'.repeat(6)}keyring-with-a-long-name/pgp/index.json`;
    const wrapped = wrap(`from file ${path}`, 40, '  ');
    const lines = wrapped.split('\n');
    // Lines after the first carry the indent; the text of each fits the width.
    expect(lines.every((l, i) => l.length <= (i === 0 ? 40 : 42))).toBe(true);
    expect(lines[0]).toBe('from file /home/someone/deeply/nested/');
    expect(lines.map((l) => l.trim()).join('')).toBe(`from file ${path}`);
    expect(wrap('x'.repeat(25), 10, '').split('\n')).toEqual([
      'x'.repeat(10),
      'x'.repeat(10),
      'x'.repeat(5),
    ]);
    expect(wrap('short words stay as they were', 12, '')).toBe('short words\nstay as they\nwere');
  });

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

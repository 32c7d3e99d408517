import { describe, expect, it } from 'vitest';
import { parseHeaderSection, serializeHeaderField } from './header-field.js';

describe('header fields (RFC 5322 §2.2)', () => {
  it('folds long values before white space and unfolds back to the same value', () => {
    const value = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const folded = serializeHeaderField({ name: 'Subject', value });
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    for (const line of lines.slice(1)) expect(line).toMatch(/^[ \t]\S/);
    expect(parseHeaderSection(folded)).toEqual([{ name: 'Subject', value }]);
  });

  it('keeps runs of white space intact across a fold', () => {
    const value = `${'a'.repeat(70)}   ${'b'.repeat(20)}\t\tc`;
    const folded = serializeHeaderField({ name: 'X-Test', value });
    expect(parseHeaderSection(folded)[0]?.value).toBe(value);
  });

  it('rejects an unfoldable word over 998 octets, CR/LF/NUL in values and bad names', () => {
    const code = { code: 'EHEADER' };
    expect(() => serializeHeaderField({ name: 'X', value: 'y'.repeat(1000) })).toThrow(
      expect.objectContaining(code),
    );
    for (const value of ['a\r\nBcc: x@y', 'a\nb', 'a\rb', 'a\0b']) {
      expect(() => serializeHeaderField({ name: 'Subject', value })).toThrow(
        expect.objectContaining(code),
      );
    }
    for (const name of ['Bad Name', 'Colon:', '', 'Ünicode', 'Tab\t']) {
      expect(() => serializeHeaderField({ name, value: 'v' })).toThrow(
        expect.objectContaining(code),
      );
    }
  });

  it('rejects a header section that is not header fields', () => {
    expect(() => parseHeaderSection(' folded first')).toThrow(
      expect.objectContaining({ code: 'EMIME' }),
    );
    expect(() => parseHeaderSection('no colon here')).toThrow(
      expect.objectContaining({ code: 'EMIME' }),
    );
  });
});

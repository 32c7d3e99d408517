import { describe, expect, it } from 'vitest';
import { terminalText } from './layout.js';
import { jsonStringPieces, terminalTextPieces } from './text-pieces.js';

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
}

const SAMPLES = [
  '',
  '\n',
  '\r',
  '\r\n',
  '\n\r',
  '\r\r\n\n',
  'a\r\nb\rc\nd',
  'ends with CRLF\r\n',
  'ends with two\r\n\r\n',
  'ends with CR\r',
  'ends with LF CR\n\r',
  'esc \u001b[31m red, bidi \u202e, ü, 😀, \u0085 C1',
  '\ufeffa BOM first',
];

describe('text pieces', () => {
  it('join to terminalText and to JSON.stringify of the whole, whatever the chunk size', async () => {
    const bytes = [
      ...SAMPLES.map((s) => new TextEncoder().encode(s)),
      new Uint8Array([0x61, 0xf0, 0x9f, 0x98, 0x0d, 0xff, 0x0d, 0x0a, 0xc3]), // invalid UTF-8
    ];
    for (const sample of bytes) {
      for (const size of [1, 2, 3, 5, 64]) {
        expect(await joined(terminalTextPieces(chunked(sample, size)))).toBe(terminalText(sample));
        expect(`"${await joined(jsonStringPieces(chunked(sample, size)))}"`).toBe(
          JSON.stringify(new TextDecoder().decode(sample)),
        );
      }
    }
  });
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Base64Lines } from './base64-lines.js';
import { CanonicalLineEnds, type CanonicalStreamOptions } from './canonical-stream.js';

async function run(chunks: readonly string[], options?: CanonicalStreamOptions): Promise<string> {
  const out: Buffer[] = [];
  const stream = Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))).pipe(
    new CanonicalLineEnds(options),
  );
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out).toString('latin1');
}

describe('CanonicalLineEnds', () => {
  it('rewrites bare LF/CR across chunk boundaries, CRLF split over two chunks included', async () => {
    const chunks = ['A: 1\n', '\r\nbody\r', '\nnext\n', 'x\r', 'y\r\n', 'z\n'];
    expect(await run(chunks)).toBe('A: 1\r\n\r\nbody\r\nnext\r\nx\r\ny\r\nz\r\n');
  });

  it('passes canonical body chunks through unchanged (fast path) and keeps counting lines', async () => {
    const body = `${'a'.repeat(500)}\r\n${'b'.repeat(500)}`;
    const out = await run(['H: v\r\n\r\n', body, `${'c'.repeat(498)}\r\n`]);
    expect(out).toBe(`H: v\r\n\r\n${body}${'c'.repeat(498)}\r\n`);
    // 500 + 498 = 998 octets on one line across two chunks is allowed; one more is not.
    await expect(run(['H: v\r\n\r\n', body, `${'c'.repeat(499)}\r\n`])).rejects.toMatchObject({
      code: 'EMIME',
    });
  });

  it('refuses a line over 998 octets in the header section too', async () => {
    await expect(run([`X: ${'a'.repeat(996)}\r\n\r\n`])).rejects.toMatchObject({ code: 'EMIME' });
  });

  it('with sevenBitBody, allows 8-bit header text but refuses 8-bit body bytes', async () => {
    expect(
      await run(['To: j\u00f6rg@example.org\r\n\r\nascii\r\n'], { sevenBitBody: true }),
    ).toContain('ascii');
    await expect(
      run(['A: b\r\n\r\n', 'caf\u00e9\r\n'], { sevenBitBody: true }),
    ).rejects.toMatchObject({
      code: 'EMIME',
    });
    await expect(
      run(['A: b\r\n\r\n', 'nul\u0000\r\n'], { sevenBitBody: true }),
    ).rejects.toMatchObject({
      code: 'EMIME',
    });
    expect(await run(['A: b\r\n\r\n', 'caf\u00e9\r\n'])).toContain('caf\u00e9');
  });
});

describe('CanonicalLineEnds with chunks of Base64Lines', () => {
  /** One chunk of our encoder: 57 × 20 octets → 20 lines, the last without its CRLF. */
  async function encodedChunk(): Promise<Buffer> {
    const encoder = new Base64Lines();
    const chunk = new Promise<Buffer>((resolve) => encoder.once('data', resolve));
    encoder.end(Buffer.alloc(57 * 20, 7));
    return chunk;
  }

  async function runChunks(chunks: readonly Buffer[]): Promise<Buffer[]> {
    const out: Buffer[] = [];
    const stream = Readable.from(chunks).pipe(new CanonicalLineEnds({ sevenBitBody: true }));
    stream.on('data', (c: Buffer) => out.push(c));
    await new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
    return out;
  }

  it('passes them on as they are and counts their last line towards the 998 octets', async () => {
    const encoded = await encodedChunk();
    const head = Buffer.from('H: v\r\n\r\n');
    const out = await runChunks([head, encoded, Buffer.from(`${'x'.repeat(998 - 76)}\r\n`)]);
    expect(out[1]).toBe(encoded);
    await expect(
      runChunks([head, encoded, Buffer.from(`${'x'.repeat(999 - 76)}\r\n`)]),
    ).rejects.toMatchObject({ code: 'EMIME' });
  });
});

/** What CanonicalLineEnds must make of the whole input, however it is split. */
function reference(input: string, sevenBitBody: boolean): string {
  const out = input.replace(/\r\n|\r|\n/g, '\r\n');
  const lines = out.split('\r\n');
  if (lines.some((line) => line.length > 998)) return 'EMIME';
  const bodyAt = lines.findIndex((line, i) => i > 0 && line === '');
  const body = bodyAt === -1 ? [] : lines.slice(bodyAt + 1);
  if (sevenBitBody && body.some((line) => /[^\x01-\x7f]/.test(line))) return 'EMIME';
  return out;
}

describe('CanonicalLineEnds on line ends of every kind, split anywhere', () => {
  // A small deterministic generator, so that a failure can be replayed.
  function random(seed: number) {
    let s = seed;
    return (n: number) => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s % n;
    };
  }
  const pieces = [
    '\n',
    '\r',
    '\r\n',
    '\r\n',
    'abc',
    'x'.repeat(70),
    'y'.repeat(400),
    '\u00e9',
    '\0',
    '',
  ];

  it('gives what the whole-input reference gives, for LF, CR, CRLF, long lines and 8-bit octets', async () => {
    let compared = 0;
    let refused = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      let input = 'H: v\n';
      for (let n = next(60); n > 0; n--) input += pieces[next(pieces.length)];
      const bytes = Buffer.from(input, 'latin1');
      const cuts = [...new Set(Array.from({ length: next(6) }, () => next(bytes.length + 1)))].sort(
        (a, b) => a - b,
      );
      const chunks = [0, ...cuts].map((at, i) => bytes.subarray(at, [...cuts, bytes.length][i]));
      for (const sevenBitBody of [false, true]) {
        const expected = reference(input, sevenBitBody);
        const actual = await run(
          chunks.map((c) => c.toString('latin1')),
          { sevenBitBody },
        ).catch((e: { code?: string }) => e.code ?? String(e));
        expect(actual, `seed ${seed}, sevenBitBody ${sevenBitBody}`).toBe(expected);
        compared++;
        if (expected === 'EMIME') refused++;
      }
    }
    // Both outcomes were exercised, not just one.
    expect(compared).toBe(600);
    expect(refused).toBeGreaterThan(50);
    expect(compared - refused).toBeGreaterThan(50);
  });
});

import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { chunksOf } from '@sealpost/testkit';
import { Encoder } from 'nodemailer/lib/base64';
import { describe, expect, it } from 'vitest';
import { Base64Lines, isBase64LinesChunk } from './base64-lines.js';

/** Runs `chunks` through a stream and returns its output, whole and as chunks. */
async function through(
  encoder: NodeJS.ReadWriteStream,
  chunks: readonly (Uint8Array | string)[],
): Promise<{ bytes: Buffer; out: Buffer[] }> {
  const out: Buffer[] = [];
  // Flowing, as a pipe reads it: chunks arrive as written (read() would join buffered ones).
  const done = new Promise<void>((resolve, reject) => {
    encoder.on('data', (c: Buffer) => out.push(c));
    encoder.on('end', resolve);
    encoder.on('error', reject);
  });
  for (const c of chunks) encoder.write(c);
  encoder.end();
  await done;
  return { bytes: Buffer.concat(out), out };
}

/** nodemailer's encoder, what compose used before and whose bytes must not change. */
const reference = async (chunks: readonly (Uint8Array | string)[]) =>
  (await through(new Encoder(), chunks)).bytes;
const ours = async (chunks: readonly (Uint8Array | string)[]) =>
  (await through(new Base64Lines(), chunks)).bytes;

/** Byte equality; vitest's deep equality is too slow for a few hundred KB. */
function expectSame(actual: Buffer, expected: Buffer): void {
  if (actual.equals(expected)) return;
  let at = 0;
  while (actual[at] === expected[at]) at++;
  expect({ length: actual.length, firstDifference: at }).toEqual({
    length: expected.length,
    firstDifference: -1,
  });
}

/** A seeded generator, so a failing case can be re-run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('Base64Lines', () => {
  it('writes nothing for no content, as nodemailer does', async () => {
    expect((await ours([])).length).toBe(0);
    expect(await ours([new Uint8Array(0), new Uint8Array(0)])).toEqual(await reference([]));
  });

  it('writes what nodemailer writes for 1 to 200 octets, whole and one octet a chunk', async () => {
    const bytes = randomBytes(200);
    for (let length = 1; length <= 200; length++) {
      const input = bytes.subarray(0, length);
      const expected = await reference([input]);
      expect(await ours([input])).toEqual(expected);
      expect(await ours(chunksOf(input, Array(length).fill(1)))).toEqual(expected);
    }
  });

  it('writes what nodemailer writes across chunk borders on and off the 57-octet lines', async () => {
    const bytes = randomBytes(5000);
    const expected = await reference([bytes]);
    for (const sizes of [
      [56, 1, 57, 58, 113, 114, 0, 1],
      [1, 1, 1, 54, 1, 2],
      [57, 57, 57, 0, 171],
      Array.from({ length: 120 }, (_, i) => i % 60),
    ]) {
      expectSame(await ours(chunksOf(bytes, sizes)), expected);
    }
  });

  it('writes what nodemailer writes for random sizes and splits (seeded)', async () => {
    const random = seeded(12);
    for (let round = 0; round < 30; round++) {
      const bytes = randomBytes(Math.floor(random() * 200_000));
      const sizes = Array.from({ length: Math.floor(random() * 12) }, () =>
        Math.floor(random() * (random() < 0.5 ? 200 : 140_000)),
      );
      expectSame(await ours(chunksOf(bytes, sizes)), await reference(chunksOf(bytes, sizes)));
    }
  });

  it('encodes chunks longer than one native call (65,493 octets) on continuing lines', async () => {
    const bytes = randomBytes(57 * 1149 * 3 + 10);
    const { bytes: encoded, out } = await through(new Base64Lines(), [bytes]);
    expectSame(encoded, await reference([bytes]));
    const lines = encoded.toString('latin1').split('\r\n');
    expect(lines.slice(0, -1).every((l) => l.length === 76)).toBe(true);
    expectSame(Buffer.from(lines.join(''), 'base64'), bytes);
    expect(out.every(isBase64LinesChunk)).toBe(true);
  });

  it('takes string chunks as nodemailer does', async () => {
    const chunks = ['héllo ', 'wörld', 'x'.repeat(100)];
    expect(await ours(chunks)).toEqual(await reference(chunks));
  });

  it('writes the head first, then the encoding', async () => {
    const head = Buffer.from('Content-Type: application/octet-stream\r\n\r\n');
    const encoder = new Base64Lines({ head });
    const { bytes } = await through(encoder, [Buffer.from('abc')]);
    expect(bytes.toString('latin1')).toBe(`${head.toString('latin1')}YWJj`);
  });

  it('marks only its own chunks as encoded lines', () => {
    expect(isBase64LinesChunk(Buffer.from('YWJj'))).toBe(false);
  });

  it('passes an error of its source on, as a pipeline does', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('unreadable'));
      },
    });
    const encoder = failing.pipe(new Base64Lines());
    failing.on('error', (err) => encoder.destroy(err));
    await expect(
      (async () => {
        for await (const _ of encoder) {
        }
      })(),
    ).rejects.toThrow('unreadable');
  });
});

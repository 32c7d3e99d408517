import DataStream from 'nodemailer/lib/smtp-connection/data-stream';
import { describe, expect, it } from 'vitest';
import { type DataStreamState, speedUpDataStream } from './data-dot-stuffing.js';

/** What a DataStream writes for `chunks`, with or without the fast path. */
async function wire(chunks: readonly Buffer[], fast: boolean, crlfChecked = false) {
  const stream = new DataStream() as unknown as DataStreamState;
  if (fast) speedUpDataStream(stream, crlfChecked);
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  for (const c of chunks) stream.write(c);
  stream.end();
  await ended;
  return { bytes: Buffer.concat(out), inBytes: stream.inByteCount, outBytes: stream.outByteCount };
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_103_515_245 + 12_345) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ['\r\n', '.', '..', '\r\n.', 'ab', 'QUJD', '\r', '\n', '\n.', '\r.', 'x'];

describe('speedUpDataStream', () => {
  it('sends exactly what nodemailer DataStream sends, CRLF-only and not', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      // Most seeds CRLF-only (the fast path), some with bare CR/LF (nodemailer's own path).
      const pieces = seed % 3 === 0 ? PIECES : PIECES.slice(0, 6);
      let text = '';
      while (text.length < 400) text += pieces[Math.floor(next() * pieces.length)];
      const whole = Buffer.from(text, 'latin1');
      const chunks: Buffer[] = [];
      for (let at = 0; at < whole.length; ) {
        const size = 1 + Math.floor(next() * 40);
        chunks.push(whole.subarray(at, at + size));
        at += size;
      }
      const fast = await wire(chunks, true);
      const own = await wire(chunks, false);
      expect(fast.bytes.toString('latin1'), `seed ${seed}`).toBe(own.bytes.toString('latin1'));
      expect(fast.outBytes).toBe(own.outBytes);
      expect(fast.inBytes).toBe(own.inBytes);
      if (seed % 3 !== 0) {
        // CRLF only: trusting the caller's check gives the same bytes.
        const checked = await wire(chunks, true, true);
        expect(checked.bytes.toString('latin1'), `seed ${seed}`).toBe(own.bytes.toString('latin1'));
      }
    }
  });

  it('stuffs a dot at the start of the data, of a line and of a chunk after CRLF', async () => {
    const chunks = ['.a\r\n', '.b\r', '\n.c\r\n..d', '\r\n', '.'].map((c) => Buffer.from(c));
    const fast = await wire(chunks, true);
    expect(fast.bytes.toString()).toBe('..a\r\n..b\r\n..c\r\n...d\r\n..\r\n.\r\n');
  });

  it('passes a chunk without line-initial dots through uncopied', async () => {
    const chunk = Buffer.from('QUJD\r\nQUJD\r\n');
    const stream = new DataStream() as unknown as DataStreamState;
    speedUpDataStream(stream);
    const first = new Promise<Buffer>((resolve) => stream.once('data', resolve));
    stream.write(chunk);
    expect(await first).toBe(chunk);
  });
});

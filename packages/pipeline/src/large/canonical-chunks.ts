/**
 * A message file read in chunks with its line ends made canonical (bare LF or CR → CRLF,
 * RFC 5322 §2.1, RFC 2045 §2.10), as compose's parseEntity sees it in memory: offsets into a
 * large message are offsets into these canonical octets.
 */
import { createReadStream } from 'node:fs';

const CR = 0x0d;
const LF = 0x0a;
/** Small chunks are collected young (V8's new space): peak memory stays low while decrypting. */
const CHUNK = 64 * 1024;
/** The locating pass keeps nothing: larger reads, fewer round trips to the thread pool. */
export const SCAN_CHUNK = 1024 * 1024;

/** A Buffer view of the same octets (Buffer.from(Uint8Array) would copy them). */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A stateful canonicaliser; `end()` gives what a trailing CR still owes. */
export function lineEndCanonicalizer(): {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
  /** False once any line end had to be changed. */
  readonly unchanged: boolean;
} {
  let pendingCr = false;
  let unchanged = true;
  return {
    push(chunk) {
      if (chunk.length === 0) return chunk;
      // Fast path: every LF after a CR, every CR before an LF (a CR at the end waits).
      let clean = !(pendingCr && chunk[0] !== LF);
      for (let i = chunk.indexOf(LF); clean && i !== -1; i = chunk.indexOf(LF, i + 1)) {
        if (i === 0 ? !pendingCr : chunk[i - 1] !== CR) clean = false;
      }
      for (let i = chunk.indexOf(CR); clean && i !== -1; i = chunk.indexOf(CR, i + 1)) {
        if (i + 1 < chunk.length && chunk[i + 1] !== LF) clean = false;
      }
      if (clean) {
        const out = pendingCr ? Buffer.concat([Buffer.from([CR]), chunk]) : chunk;
        pendingCr = out.length > 0 && out[out.length - 1] === CR;
        return pendingCr ? out.subarray(0, out.length - 1) : out;
      }
      unchanged = false;
      const out = Buffer.allocUnsafe(chunk.length * 2 + 2);
      let o = 0;
      let i = 0;
      if (pendingCr) {
        out[o++] = CR;
        out[o++] = LF;
        if (chunk[0] === LF) i = 1;
        pendingCr = false;
      }
      for (; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (b === CR) {
          if (i + 1 === chunk.length) {
            pendingCr = true;
            break;
          }
          out[o++] = CR;
          out[o++] = LF;
          if (chunk[i + 1] === LF) i++;
        } else if (b === LF) {
          out[o++] = CR;
          out[o++] = LF;
        } else out[o++] = b;
      }
      return out.subarray(0, o);
    },
    end() {
      if (!pendingCr) return Buffer.alloc(0);
      pendingCr = false;
      unchanged = false;
      return Buffer.from([CR, LF]);
    },
    get unchanged() {
      return unchanged;
    },
  };
}

/**
 * The canonical octets of `path` from `start` to `end` (canonical offsets; end exclusive,
 * default the end). With `canonical` the file is known to need no change, and is read from
 * `start` directly; otherwise it is read from its beginning and canonicalised on the way.
 */
export async function* canonicalChunks(
  path: string,
  start = 0,
  end = Number.POSITIVE_INFINITY,
  canonical = false,
  chunkSize = CHUNK,
): AsyncGenerator<Buffer> {
  if (end <= start) return;
  if (canonical) {
    const range = Number.isFinite(end) ? { start, end: end - 1 } : { start };
    for await (const chunk of createReadStream(path, { ...range, highWaterMark: chunkSize })) {
      yield chunk as Buffer;
    }
    return;
  }
  const canonicalizer = lineEndCanonicalizer();
  let offset = 0;
  const clip = function* (out: Buffer) {
    const from = Math.max(start - offset, 0);
    const to = Math.min(end - offset, out.length);
    offset += out.length;
    if (to > from) yield from === 0 && to === out.length ? out : out.subarray(from, to);
  };
  for await (const chunk of createReadStream(path, { highWaterMark: chunkSize })) {
    yield* clip(canonicalizer.push(chunk as Buffer));
    if (offset >= end) return;
  }
  yield* clip(canonicalizer.end());
}

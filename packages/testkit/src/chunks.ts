/** Stream tests: bytes cut at chosen places, to cross every chunk border a reader handles. */

/** `bytes` split into pieces of the given sizes, the rest as the last piece. */
export function chunksOf(bytes: Uint8Array, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  out.push(Buffer.from(bytes.subarray(at)));
  return out;
}

/** `bytes` as a stream of pieces whose sizes cycle through `sizes` (64 KiB by default). */
export async function* cyclingPieces(
  bytes: Uint8Array,
  sizes: readonly number[] = [65_536],
): AsyncGenerator<Uint8Array> {
  for (let i = 0, n = 0; i < bytes.length; n++) {
    const size = sizes[n % sizes.length]!;
    yield bytes.subarray(i, i + size);
    i += size;
  }
}

/**
 * The Armor Checksum, CRC-24 (RFC 9580 §6.1.1: generator 0x864CFB, initial 0xB704CE), eight
 * octets per step: the 24-bit register is kept in the top of a 32-bit word, so the usual
 * table-per-octet-position ("slicing-by-8") method of 32-bit CRCs applies, reading big-endian
 * words through a DataView. ~2.5× the speed of one table lookup per octet (openpgp.js's way),
 * which matters at 100+ MB.
 */

const POLY_32 = 0x864cfb << 8;
const INIT_32 = 0xb704ce << 8;

/** TABLE[k * 256 + i]: the register after octet i followed by k zero octets. */
const TABLE = (() => {
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let bit = 0; bit < 8; bit++) c = c & 0x80000000 ? (c << 1) ^ POLY_32 : c << 1;
    t[i] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const previous = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = ((previous << 8) ^ t[previous >>> 24]!) >>> 0;
    }
  }
  return t;
})();

/** A running CRC-24 over chunks. */
export class Crc24 {
  #register = INIT_32 >>> 0;

  update(bytes: Uint8Array): void {
    const t = TABLE;
    let c = this.#register;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = bytes.length;
    const whole = n - (n % 8);
    let i = 0;
    for (; i < whole; i += 8) {
      const x = (c ^ view.getUint32(i)) >>> 0;
      const y = view.getUint32(i + 4);
      c =
        t[1792 + (x >>> 24)]! ^
        t[1536 + ((x >>> 16) & 0xff)]! ^
        t[1280 + ((x >>> 8) & 0xff)]! ^
        t[1024 + (x & 0xff)]! ^
        t[768 + (y >>> 24)]! ^
        t[512 + ((y >>> 16) & 0xff)]! ^
        t[256 + ((y >>> 8) & 0xff)]! ^
        t[y & 0xff]!;
    }
    for (; i < n; i++) c = ((c << 8) ^ t[(c >>> 24) ^ bytes[i]!]!) >>> 0;
    this.#register = c >>> 0;
  }

  /** The 24-bit checksum of everything so far. */
  digest(): number {
    return this.#register >>> 8;
  }
}

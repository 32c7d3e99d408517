import { describe, expect, it } from 'vitest';
import { Crc24 } from './crc24.js';

/** The reference CRC-24 of RFC 9580 §6.1.1, one bit at a time. */
function referenceCrc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of bytes) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

describe('Crc24', () => {
  it('is the initial value for nothing', () => {
    expect(new Crc24().digest()).toBe(0xb704ce);
  });

  it('matches the bitwise reference at every length and split, eight octets a step or not', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 151 + length * 7 + 3) & 0xff);
      for (const cut of [0, 1, 2, 3, 5, length >> 1, length]) {
        if (cut > length) continue;
        const crc = new Crc24();
        crc.update(bytes.subarray(0, cut));
        crc.update(bytes.subarray(cut));
        expect(crc.digest(), `${length} split at ${cut}`).toBe(referenceCrc24(bytes));
      }
    }
  });
});

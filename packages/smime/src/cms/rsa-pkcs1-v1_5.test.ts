import { describe, expect, it } from 'vitest';
import { implicitRejectionKey, pkcs1v15DecodeImplicit } from './rsa-pkcs1-v1_5.js';

const K = 256;
const synthetic = new Uint8Array(32).fill(0xee);

function encoded(mutate: (em: Uint8Array) => void = () => {}): Uint8Array {
  const em = new Uint8Array(K).fill(0x5a);
  em[0] = 0;
  em[1] = 2;
  em[K - 33] = 0;
  em.fill(0x11, K - 32);
  mutate(em);
  return em;
}

describe('pkcs1v15DecodeImplicit (RFC 8017 §7.2.2 with implicit rejection)', () => {
  it('returns the message for a correct padding', () => {
    expect(pkcs1v15DecodeImplicit(encoded(), 32, synthetic)).toEqual(new Uint8Array(32).fill(0x11));
  });

  it.each([
    [
      'first byte not 0',
      (em: Uint8Array) => {
        em[0] = 1;
      },
    ],
    [
      'block type 1',
      (em: Uint8Array) => {
        em[1] = 1;
      },
    ],
    [
      'zero inside PS',
      (em: Uint8Array) => {
        em[5] = 0;
      },
    ],
    [
      'no separator',
      (em: Uint8Array) => {
        em[K - 33] = 7;
      },
    ],
    [
      'a shorter message (separator earlier)',
      (em: Uint8Array) => {
        em[K - 40] = 0;
      },
    ],
  ])('returns the synthetic key when %s', (_name, mutate) => {
    expect(pkcs1v15DecodeImplicit(encoded(mutate), 32, synthetic)).toEqual(synthetic);
  });

  it('derives a deterministic, ciphertext-dependent rejection key', async () => {
    const key = new Uint8Array([1, 2, 3]);
    const a = await implicitRejectionKey(key, new Uint8Array([1]), 32, crypto);
    const b = await implicitRejectionKey(key, new Uint8Array([1]), 32, crypto);
    const c = await implicitRejectionKey(key, new Uint8Array([2]), 32, crypto);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toHaveLength(32);
  });
});

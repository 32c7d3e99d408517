/**
 * Reading the session key out of an RSA-decrypted PKESK value (RFC 9580 §5.1.1–§5.1.3):
 * EME-PKCS1-v1_5 (RFC 8017 §7.2.2 step 3) around [algorithm octet] || session key || checksum.
 * Branch-free over the decrypted octets, with implicit rejection (the Marvin/Bleichenbacher
 * countermeasure of draft-irtf-cfrg-rsa-guidance): a bad padding, algorithm or checksum yields
 * a pseudo-random key instead of an error, so the failure only shows later as the same
 * integrity failure as a wrong key.
 */

/** A cipher the message may be encrypted with, and its key length (RFC 9580 §9.3). */
export interface AcceptedCipher {
  readonly algorithm: number;
  readonly keyLength: number;
}

export interface DecodedSessionKey {
  readonly algorithm: number;
  readonly key: Uint8Array;
}

/** Octets of synthetic input needed: one to pick the cipher, then up to 32 of key. */
export const SYNTHETIC_LENGTH = 33;

/** 1 if x == 0 else 0, for 0 <= x < 2^31, without branches. */
function isZero(x: number): number {
  return 1 ^ ((x | -x) >>> 31);
}

/**
 * Decodes `em` (the k octets of c^d mod n) for every key length an accepted cipher has and
 * keeps the one that is well-formed (at most one can be: the separator position differs).
 * `withAlgorithmOctet` is true for v3 PKESKs; a v6 PKESK leaves the cipher to the SEIPD v2
 * packet, so `accepted` then holds that one cipher. When nothing is well-formed, the cipher
 * and key come from `synthetic` (SYNTHETIC_LENGTH octets derived from the private key and the
 * ciphertext), so the same ciphertext always yields the same wrong key.
 */
export function decodeSessionKeyImplicit(
  em: Uint8Array,
  accepted: readonly AcceptedCipher[],
  withAlgorithmOctet: boolean,
  synthetic: Uint8Array,
): DecodedSessionKey {
  if (accepted.length === 0 || synthetic.length < SYNTHETIC_LENGTH) {
    throw new Error('no cipher to accept, or too little synthetic input');
  }
  const k = em.length;
  const lengths = [...new Set(accepted.map((c) => c.keyLength))];
  let anyGood = 0;
  let algorithm = 0;
  let keyLength = 0;
  const key = new Uint8Array(32);
  for (const length of lengths) {
    const messageLength = (withAlgorithmOctet ? 1 : 0) + length + 2;
    const separator = k - messageLength - 1;
    // Depends on public sizes only: PS must have at least 8 octets (RFC 8017 §7.2.2).
    if (separator < 10 || length > key.length) continue;
    let good = isZero(em[0]!) & isZero(em[1]! ^ 2) & isZero(em[separator]!);
    for (let i = 2; i < separator; i++) good &= 1 ^ isZero(em[i]!);
    const keyStart = separator + 1 + (withAlgorithmOctet ? 1 : 0);
    const algorithmOctet = withAlgorithmOctet ? em[separator + 1]! : accepted[0]!.algorithm;
    let known = 0;
    for (const cipher of accepted) {
      if (cipher.keyLength === length) known |= isZero(algorithmOctet ^ cipher.algorithm);
    }
    good &= known;
    // The checksum is the sum of the key octets mod 65536 (RFC 9580 §5.1.1).
    let sum = 0;
    for (let j = 0; j < length; j++) sum = (sum + em[keyStart + j]!) & 0xffff;
    good &= isZero(sum ^ ((em[k - 2]! << 8) | em[k - 1]!));
    const mask = -good;
    for (let j = 0; j < length; j++) key[j] = key[j]! | (em[keyStart + j]! & mask & 0xff);
    algorithm |= algorithmOctet & mask;
    keyLength |= length & mask;
    anyGood |= good;
  }
  const fake = accepted[synthetic[0]! % accepted.length]!;
  const realMask = -anyGood;
  const fakeMask = ~realMask;
  for (let j = 0; j < key.length; j++) {
    key[j] = (key[j]! & realMask & 0xff) | (synthetic[1 + j]! & fakeMask & 0xff);
  }
  algorithm = (algorithm & realMask) | (fake.algorithm & fakeMask);
  keyLength = (keyLength & realMask) | (fake.keyLength & fakeMask);
  return { algorithm, key: key.slice(0, keyLength) };
}

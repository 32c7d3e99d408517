/**
 * RSAES-PKCS1-v1_5 (RFC 8017 §7.2) for CMS key transport. Encryption is a public-key
 * operation done here with BigInt (Web Crypto has no PKCS#1 v1.5 encryption). Decoding after
 * the private-key operation is constant-time with implicit rejection (RFC 3218 §2.3.2, the
 * Marvin/Bleichenbacher countermeasure): a bad padding yields a pseudo-random key of the
 * expected length, derived from the private key and the ciphertext, never a distinct error,
 * so the failure only shows later as an ordinary content-decryption failure.
 */
import { concatBytes } from '@sealpost/compose';

/** The raw RSA private-key operation (c^d mod n), returning k octets; supplied by the runtime. */
export type RsaRawDecrypt = (
  privateKeyPkcs8: Uint8Array,
  ciphertext: Uint8Array,
) => Promise<Uint8Array>;

function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function bigIntToBytes(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** RSAES-PKCS1-V1_5-ENCRYPT (RFC 8017 §7.2.1). */
export function pkcs1v15Encrypt(
  modulusBytes: Uint8Array,
  exponentBytes: Uint8Array,
  message: Uint8Array,
  crypto: Crypto,
): Uint8Array {
  const modulus = stripLeadingZeros(modulusBytes);
  const k = modulus.length;
  if (message.length > k - 11) throw new Error('message too long for RSA PKCS#1 v1.5');
  const ps = new Uint8Array(k - message.length - 3);
  crypto.getRandomValues(ps);
  for (let i = 0; i < ps.length; i++) {
    while (ps[i] === 0) ps[i] = crypto.getRandomValues(new Uint8Array(1))[0]!;
  }
  const em = concatBytes([Uint8Array.of(0, 2), ps, Uint8Array.of(0), message]);
  const c = modPow(bytesToBigInt(em), bytesToBigInt(exponentBytes), bytesToBigInt(modulus));
  return bigIntToBytes(c, k);
}

/** 1 if x == 0 else 0, for 0 <= x < 2^31, without branches. */
function isZero(x: number): number {
  return 1 ^ ((x | -x) >>> 31);
}

/**
 * Decodes EM = 0x00 || 0x02 || PS (>= 8 nonzero octets) || 0x00 || M for a message of the
 * expected length. Returns M if the padding is right, else `synthetic`; which one was
 * taken is not observable through timing or errors.
 */
export function pkcs1v15DecodeImplicit(
  em: Uint8Array,
  expectedLength: number,
  synthetic: Uint8Array,
): Uint8Array {
  const k = em.length;
  const separator = k - expectedLength - 1;
  if (synthetic.length !== expectedLength || separator < 10) {
    // Depends only on public sizes, never on the decrypted bytes.
    throw new Error('RSA modulus too small for this key length');
  }
  let good = isZero(em[0]!) & isZero(em[1]! ^ 2);
  for (let i = 2; i < separator; i++) good &= 1 ^ isZero(em[i]!);
  good &= isZero(em[separator]!);
  const mask = -good & 0xff;
  const out = new Uint8Array(expectedLength);
  for (let j = 0; j < expectedLength; j++) {
    out[j] = (em[separator + 1 + j]! & mask) | (synthetic[j]! & ~mask & 0xff);
  }
  return out;
}

/**
 * The key used on bad padding: HMAC-SHA-256 under a key derived from the private key, over
 * the ciphertext. Deterministic, so a repeated ciphertext gets the same (wrong) key and an
 * attacker learns nothing by asking twice.
 */
export async function implicitRejectionKey(
  privateKeyPkcs8: Uint8Array,
  ciphertext: Uint8Array,
  length: number,
  crypto: Crypto,
): Promise<Uint8Array> {
  const label = new TextEncoder().encode('sealpost cms implicit rejection');
  const kdk = await crypto.subtle.digest(
    'SHA-256',
    concatBytes([label, privateKeyPkcs8]) as BufferSource,
  );
  const hmacKey = await crypto.subtle.importKey(
    'raw',
    kdk,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const blocks: Uint8Array[] = [];
  for (let counter = 1; blocks.length * 32 < length; counter++) {
    const input = concatBytes([Uint8Array.of(0, 0, 0, counter), ciphertext]);
    blocks.push(new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, input as BufferSource)));
  }
  return concatBytes(blocks).slice(0, length);
}

/**
 * An OpenPGP RSA secret key (RFC 9580 §5.5.5.1) as a PKCS#8 PrivateKeyInfo (RFC 5208 §5)
 * holding an RSAPrivateKey (RFC 8017 §A.1.2), the form a runtime's RSA primitive imports.
 */

/** The raw RSA private-key operation (c^d mod n, no padding), returning k octets; supplied by the runtime. */
export type RsaRawDecrypt = (
  privateKeyPkcs8: Uint8Array,
  ciphertext: Uint8Array,
) => Promise<Uint8Array>;

/** The RSA values of an OpenPGP key packet, big-endian (openpgp.js `publicParams`/`privateParams`). */
export interface OpenPgpRsaParams {
  readonly n: Uint8Array;
  readonly e: Uint8Array;
  readonly d: Uint8Array;
  readonly p: Uint8Array;
  readonly q: Uint8Array;
  /** p^-1 mod q (OpenPGP's order, the reverse of PKCS#1's coefficient). */
  readonly u: Uint8Array;
}

// rsaEncryption (RFC 8017 §A.1) with its NULL parameters, DER.
const RSA_ALGORITHM = Uint8Array.of(
  0x30,
  0x0d,
  0x06,
  0x09,
  0x2a,
  0x86,
  0x48,
  0x86,
  0xf7,
  0x0d,
  0x01,
  0x01,
  0x01,
  0x05,
  0x00,
);

function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function toBytes(n: bigint): Uint8Array {
  const hex = n.toString(16);
  const even = hex.length % 2 ? `0${hex}` : hex;
  const out = new Uint8Array(even.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(even.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let n = length; n > 0; n >>>= 8) octets.unshift(n & 0xff);
  return [0x80 | octets.length, ...octets];
}

function tlv(tag: number, parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const head = [tag, ...derLength(length)];
  const out = new Uint8Array(head.length + length);
  out.set(head);
  let offset = head.length;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A non-negative DER INTEGER: no leading zero octets, one 0x00 when the top bit is set. */
function derInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const value = bytes.length === 0 ? Uint8Array.of(0) : bytes.subarray(i);
  return tlv(0x02, value[0]! & 0x80 ? [Uint8Array.of(0), value] : [value]);
}

/**
 * PKCS#1 names the primes the other way round: with prime1 = q and prime2 = p, its
 * coefficient (prime2^-1 mod prime1) is OpenPGP's u, so nothing has to be inverted.
 */
export function rsaPrivateKeyInfo(params: OpenPgpRsaParams): Uint8Array {
  const d = toBigInt(params.d);
  const p = toBigInt(params.p);
  const q = toBigInt(params.q);
  const rsaPrivateKey = tlv(0x30, [
    derInteger(Uint8Array.of(0)),
    derInteger(params.n),
    derInteger(params.e),
    derInteger(params.d),
    derInteger(params.q),
    derInteger(params.p),
    derInteger(toBytes(d % (q - 1n))),
    derInteger(toBytes(d % (p - 1n))),
    derInteger(params.u),
  ]);
  return tlv(0x30, [derInteger(Uint8Array.of(0)), RSA_ALGORITHM, tlv(0x04, [rsaPrivateKey])]);
}

/**
 * A revocation certificate (RFC 9580 §5.2.1.21: a lone key revocation signature, type 0x20),
 * as `keys generate` and `gpg --gen-revoke` write it: armored as a PUBLIC KEY BLOCK (gpg
 * prefixes the armor line with ":" against accidental import) or binary. It holds no key, so the
 * key reader cannot take it; this module finds the signature packet and the key it names.
 */

/** One OpenPGP packet (RFC 9580 §4.2): its tag and where its header and body lie. */
interface Packet {
  readonly tag: number;
  readonly start: number;
  readonly bodyStart: number;
  readonly end: number;
}

export interface RevocationCertificate {
  /** The whole signature packet (header and body), to splice after the primary key packet. */
  readonly packet: Uint8Array;
  /** Upper-case hex issuer fingerprint (subpacket 33) or long key ID (16), when present. */
  readonly issuer?: string;
}

const ARMOR = /-----BEGIN PGP (?:PUBLIC KEY BLOCK|SIGNATURE)-----\r?\n([\s\S]*?)-----END PGP /;
const KEY_REVOCATION = 0x20;

/** Reads the packet header at `start`; undefined when it is malformed or a partial length. */
export function readPacket(bytes: Uint8Array, start: number): Packet | undefined {
  const first = bytes[start];
  if (first === undefined || (first & 0x80) === 0) return undefined;
  let tag: number;
  let length: number;
  let at = start + 1;
  const byte = (i: number) => bytes[i] ?? 0;
  if (first & 0x40) {
    tag = first & 0x3f;
    const l0 = byte(at);
    if (l0 < 192) [length, at] = [l0, at + 1];
    else if (l0 < 224) [length, at] = [((l0 - 192) << 8) + byte(at + 1) + 192, at + 2];
    else if (l0 === 255) {
      length =
        ((byte(at + 1) << 24) >>> 0) + (byte(at + 2) << 16) + (byte(at + 3) << 8) + byte(at + 4);
      at += 5;
    } else return undefined; // partial body lengths are not used for keys or signatures
  } else {
    tag = (first >> 2) & 0x0f;
    const size = [1, 2, 4][first & 0x03];
    if (size === undefined) return undefined;
    length = 0;
    for (let i = 0; i < size; i++) length = length * 256 + byte(at + i);
    at += size;
  }
  const end = at + length;
  return end <= bytes.length ? { tag, start, bodyStart: at, end } : undefined;
}

/** The binary packets: the armor's base64 body (RFC 9580 §6.2) or the bytes themselves. */
function dearmor(bytes: Uint8Array): Uint8Array | undefined {
  const text = new TextDecoder('latin1').decode(bytes);
  if (!text.includes('-----BEGIN ')) return bytes;
  const body = ARMOR.exec(text)?.[1];
  if (body === undefined) return undefined;
  const lines = body.split(/\r?\n/);
  const blank = lines.findIndex((l) => l.trim() === '');
  const base64 = lines
    .slice(blank + 1)
    .filter((l) => !l.startsWith('='))
    .join('');
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** The issuer from the hashed, then the unhashed subpackets of a v4 or v6 signature. */
function issuerOf(body: Uint8Array): string | undefined {
  const version = body[0];
  if (version !== 4 && version !== 6) return undefined;
  const lengthSize = version === 6 ? 4 : 2;
  let at = 4;
  let keyId: string | undefined;
  for (let area = 0; area < 2; area++) {
    let size = 0;
    for (let i = 0; i < lengthSize; i++) size = size * 256 + (body[at + i] ?? 0);
    at += lengthSize;
    const end = Math.min(at + size, body.length);
    while (at < end) {
      const l0 = body[at] ?? 0;
      let length: number;
      if (l0 < 192) [length, at] = [l0, at + 1];
      else if (l0 < 255) [length, at] = [((l0 - 192) << 8) + (body[at + 1] ?? 0) + 192, at + 2];
      else {
        length = Buffer.from(body.subarray(at + 1, at + 5)).readUInt32BE();
        at += 5;
      }
      const type = (body[at] ?? 0) & 0x7f;
      const data = body.subarray(at + 1, at + length);
      if (type === 33 && data.length > 1) return hex(data.subarray(1));
      if (type === 16 && data.length === 8) keyId ??= hex(data);
      at += length;
    }
    at = end;
  }
  return keyId;
}

/** The revocation certificate in these bytes, or undefined when they hold anything else. */
export function readRevocationCertificate(bytes: Uint8Array): RevocationCertificate | undefined {
  const binary = dearmor(bytes);
  if (!binary) return undefined;
  const packet = readPacket(binary, 0);
  if (packet?.tag !== 2) return undefined;
  const body = binary.subarray(packet.bodyStart, packet.end);
  const type = body[0] === 3 ? body[2] : body[1];
  if (type !== KEY_REVOCATION) return undefined;
  const issuer = issuerOf(body);
  return { packet: binary.subarray(packet.start, packet.end), ...(issuer ? { issuer } : {}) };
}

/**
 * Which DER structure a file holds, from its first tags (X.690 §8.1.2–8.1.3), without an ASN.1
 * library: a certificate (RFC 5280 §4.1), a PFX (RFC 7292 §4), a PKCS#8 PrivateKeyInfo
 * (RFC 5208 §5) or an EncryptedPrivateKeyInfo (RFC 5208 §6). Loading pkijs only to find out
 * that a file is a PKCS#12 would cost every start-up that reads one.
 */
export type DerShape = 'certificate' | 'pkcs12' | 'pkcs8' | 'encrypted-pkcs8' | 'unknown';

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OBJECT_IDENTIFIER = 0x06;

/** The offset of the content of the element at `offset`, or -1 when the header is malformed. */
function contentStart(bytes: Uint8Array, offset: number): number {
  const first = bytes[offset + 1];
  if (first === undefined) return -1;
  if (first < 0x80) return offset + 2;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || offset + 2 + count > bytes.length) return -1;
  return offset + 2 + count;
}

export function derShape(bytes: Uint8Array): DerShape {
  if (bytes[0] !== SEQUENCE) return 'unknown';
  const inner = contentStart(bytes, 0);
  if (inner < 0) return 'unknown';
  const tag = bytes[inner];
  if (tag === INTEGER) {
    // version: 3 for a PFX, 0 (or 1, RFC 5958) for a PrivateKeyInfo.
    const value = contentStart(bytes, inner);
    const length = bytes[inner + 1];
    if (value < 0 || length !== 1) return 'unknown';
    if (bytes[value] === 3) return 'pkcs12';
    if (bytes[value] === 0 || bytes[value] === 1) return 'pkcs8';
    return 'unknown';
  }
  if (tag === SEQUENCE) {
    // tbsCertificate starts with [0] version or the serial INTEGER; an encryption
    // AlgorithmIdentifier starts with its OID.
    const first = contentStart(bytes, inner);
    if (first < 0) return 'unknown';
    return bytes[first] === OBJECT_IDENTIFIER ? 'encrypted-pkcs8' : 'certificate';
  }
  return 'unknown';
}

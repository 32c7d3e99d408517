/**
 * The raw RSA private-key operation (RFC 8017 §5.1.2 RSADP, no padding) on Node, for the
 * recipient side of both schemes: OpenPGP RSA session keys (@sealpost/pgp) and S/MIME
 * PKCS#1 v1.5 key transport (@sealpost/smime). Node ≥ 20.11 refuses RSA_PKCS1_PADDING
 * decryption (CVE-2023-46809, the Marvin attack); RSA_NO_PADDING works and OpenSSL still
 * blinds the operation. Each package removes the padding itself, in constant time with
 * implicit rejection (decision 0131).
 */
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';

/** c^d mod n for a PKCS#8 RSA key; k octets. Throws only on public facts (c ≥ n, no RSA key). */
export async function rsaRawDecrypt(
  privateKeyPkcs8: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const key = createPrivateKey({ key: Buffer.from(privateKeyPkcs8), format: 'der', type: 'pkcs8' });
  const out = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

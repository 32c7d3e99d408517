/// <reference types="node" />
/**
 * The raw RSA private-key operation for PKCS#1 v1.5 key transport on Node. Node 20 refuses
 * RSA_PKCS1_PADDING decryption (CVE-2023-46809, the Marvin attack); RSA_NO_PADDING works and
 * OpenSSL still blinds the operation. The unpadding is done by the runtime-neutral core in
 * constant time with implicit rejection (src/cms/rsa-pkcs1-v1_5.ts).
 */
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import type { RsaRawDecrypt } from '../cms/rsa-pkcs1-v1_5.js';

export const rsaRawDecrypt: RsaRawDecrypt = async (privateKeyPkcs8, ciphertext) => {
  const key = createPrivateKey({ key: Buffer.from(privateKeyPkcs8), format: 'der', type: 'pkcs8' });
  const out = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};

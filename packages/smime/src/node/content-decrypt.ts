/// <reference types="node" />
/**
 * The ciphers Web Crypto lacks, from Node's OpenSSL: ChaCha20-Poly1305 (RFC 8103), and the
 * legacy DES-EDE3-CBC and RC2-CBC (RFC 3370 §5) for reading old messages and PKCS#12 files
 * (decision 0095). RC2 exists only when OpenSSL's legacy provider is loaded; without it the
 * call fails with ESMIME_CIPHER_UNAVAILABLE.
 */
import { createDecipheriv, type Decipher, getCiphers } from 'node:crypto';
import { SealpostError } from '@sealpost/errors';
import type { ContentDecrypt, ContentDecryptRequest } from '../cms/content-decrypt.js';

function unavailable(cipher: string, cause?: unknown): SealpostError {
  return new SealpostError(
    'ESMIME_CIPHER_UNAVAILABLE',
    `This Node/OpenSSL has no ${cipher} (OpenSSL 3 keeps RC2 in its legacy provider); re-export or re-send with AES.`,
    cause === undefined ? { details: { cipher } } : { cause, details: { cipher } },
  );
}

function toBytes(parts: Buffer[]): Uint8Array {
  const out = Buffer.concat(parts);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function chacha20Poly1305(request: ContentDecryptRequest): Uint8Array {
  if (!request.tag) throw new Error('chacha20-poly1305 needs its tag');
  const decipher = createDecipheriv('chacha20-poly1305', request.key, request.iv, {
    authTagLength: 16,
  });
  if (request.additionalData)
    decipher.setAAD(request.additionalData, { plaintextLength: request.ciphertext.length });
  decipher.setAuthTag(request.tag);
  return toBytes([decipher.update(request.ciphertext), decipher.final()]);
}

/** An RC2-CBC decipher (RFC 2268), or ESMIME_CIPHER_UNAVAILABLE without the legacy provider. */
export function rc2Decipher(key: Uint8Array, iv: Uint8Array, effectiveKeyBits?: number): Decipher {
  const bits = effectiveKeyBits ?? key.length * 8;
  // OpenSSL names the 40- and 64-bit variants; other sizes take the key length as strength.
  const name = bits === 40 ? 'rc2-40-cbc' : bits === 64 ? 'rc2-64-cbc' : 'rc2-cbc';
  if (!getCiphers().includes(name)) throw unavailable(name);
  try {
    return createDecipheriv(name, key, iv);
  } catch (cause) {
    throw unavailable(name, cause);
  }
}

function rc2Cbc(request: ContentDecryptRequest): Uint8Array {
  const decipher = rc2Decipher(request.key, request.iv, request.effectiveKeyBits);
  return toBytes([decipher.update(request.ciphertext), decipher.final()]);
}

export const contentDecrypt: ContentDecrypt = async (request) => {
  if (request.cipher === 'chacha20-poly1305') return chacha20Poly1305(request);
  if (request.cipher === 'rc2-cbc') return rc2Cbc(request);
  const decipher = createDecipheriv('des-ede3-cbc', request.key, request.iv);
  return toBytes([decipher.update(request.ciphertext), decipher.final()]);
};

/// <reference types="node" />
/**
 * Content decryption as a stream with Node's OpenSSL: AES-GCM (RFC 5084 §3.2), AES-CBC
 * (RFC 3565 §4.1), ChaCha20-Poly1305 (RFC 8103) and the legacy 3DES/RC2-CBC (RFC 3370 §5).
 * The AEAD tag is given at the end, where AuthEnvelopedData carries it (RFC 5083 §2.1).
 */
import {
  type CipherGCMTypes,
  createDecipheriv,
  type Decipher,
  type DecipherGCM,
} from 'node:crypto';
import { SealpostError } from '@sealpost/errors';
import type { ContentCipher } from '../cms/content-encryption.js';
import { rc2Decipher } from './content-decrypt.js';

export interface ContentDecipher {
  /** Plaintext for the next ciphertext piece: not authenticated before `final`. */
  update(ciphertext: Uint8Array): Buffer;
  /** The last plaintext; throws ESMIME_DECRYPT when the tag or the padding is wrong. */
  final(tag: Uint8Array | undefined): Buffer;
}

/** The same ESMIME_DECRYPT decryptContent gives: a wrong key and a change look alike. */
export function decryptFailure(cause?: unknown): SealpostError {
  return new SealpostError(
    'ESMIME_DECRYPT',
    'The S/MIME content could not be decrypted: the key does not fit or the message was altered.',
    cause === undefined ? {} : { cause },
  );
}

function nodeDecipher(cipher: ContentCipher, key: Uint8Array): Decipher {
  if (key.length !== cipher.keyBytes) throw new Error('key length');
  switch (cipher.mode) {
    case 'gcm':
      return createDecipheriv(`aes-${key.length * 8}-gcm` as CipherGCMTypes, key, cipher.iv, {
        authTagLength: cipher.tagLength,
      });
    case 'cbc':
      return createDecipheriv(`aes-${key.length * 8}-cbc`, key, cipher.iv);
    case 'chacha20-poly1305':
      return createDecipheriv('chacha20-poly1305', key, cipher.iv, { authTagLength: 16 });
    case 'des-ede3-cbc':
      return createDecipheriv('des-ede3-cbc', key, cipher.iv);
    case 'rc2-cbc':
      return rc2Decipher(key, cipher.iv, cipher.effectiveKeyBits);
  }
}

export function contentDecipher(cipher: ContentCipher, key: Uint8Array): ContentDecipher {
  let decipher: Decipher;
  try {
    decipher = nodeDecipher(cipher, key);
  } catch (cause) {
    if (cause instanceof SealpostError) throw cause; // ESMIME_CIPHER_UNAVAILABLE (RC2)
    throw decryptFailure(cause);
  }
  return {
    update: (ciphertext) => decipher.update(ciphertext),
    final(tag) {
      try {
        if (cipher.tagLength > 0) {
          if (tag?.length !== cipher.tagLength) throw new Error('tag length');
          // Only the AEAD modes have a tag; their deciphers are DecipherGCM-like.
          (decipher as DecipherGCM).setAuthTag(tag);
        }
        return decipher.final();
      } catch (cause) {
        throw decryptFailure(cause);
      }
    },
  };
}

/**
 * Content-encryption algorithms: AES-GCM (RFC 5084 §3.2, GCMParameters with a 12-octet nonce
 * and a 16-octet ICV) and AES-CBC (RFC 3565 §4.1, the IV as parameter); read only, through an
 * injected ContentDecrypt: ChaCha20-Poly1305 (RFC 8103 §3), 3DES-CBC and RC2-CBC (RFC 3370 §5).
 */
import { concatBytes } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes.js';
import { OID } from '../oids.js';
import type { ContentDecrypt, InjectedCipher } from './content-decrypt.js';

export type ContentEncryption = 'aes-256-gcm' | 'aes-256-cbc';

const GCM_KEY_BITS: Readonly<Record<string, number>> = {
  [OID.aes128Gcm]: 128,
  [OID.aes192Gcm]: 192,
  [OID.aes256Gcm]: 256,
};
const CBC_KEY_BITS: Readonly<Record<string, number>> = {
  [OID.aes128Cbc]: 128,
  [OID.aes192Cbc]: 192,
  [OID.aes256Cbc]: 256,
};

export interface ContentCipher {
  /** 'gcm' and 'cbc' are AES in Web Crypto; the others need an injected ContentDecrypt. */
  readonly mode: 'gcm' | 'cbc' | InjectedCipher;
  readonly keyBytes: number;
  /** The GCM/ChaCha20 nonce or the CBC IV. */
  readonly iv: Uint8Array;
  /** AEAD tag length in octets (0 for CBC). */
  readonly tagLength: number;
  /** RC2 effective key bits. */
  readonly effectiveKeyBits?: number;
}

/** Authenticated ciphers: the only ones AuthEnvelopedData may carry (RFC 5083 §2.1). */
export function isAead(cipher: ContentCipher): boolean {
  return cipher.mode === 'gcm' || cipher.mode === 'chacha20-poly1305';
}

/**
 * Why a cipher we only read is weak (decision 0096), or undefined: 3DES and RC2 have a 64-bit
 * block (Sweet32, CVE-2016-2183), RC2 also short or unknown-strength keys; RFC 8551 §2.7 no
 * longer allows writing either.
 */
export function weakCipherNote(cipher: ContentCipher): string | undefined {
  if (cipher.mode === 'des-ede3-cbc') {
    return '3DES-CBC is a weak legacy cipher (64-bit block, no integrity); ask the sender to use AES-GCM.';
  }
  if (cipher.mode === 'rc2-cbc') {
    return `RC2-CBC (${cipher.effectiveKeyBits ?? '?'} effective bits) is a weak legacy cipher; ask the sender to use AES-GCM.`;
  }
  return undefined;
}

/** RC2CBCParameter version → effective key bits (RFC 3370 §5.2, RFC 2268 §6). */
function rc2EffectiveBits(version: number): number {
  if (version === 160) return 40;
  if (version === 120) return 64;
  if (version === 58) return 128;
  return version;
}

function readLegacyCipher(
  oid: string,
  params: asn1js.AsnType | undefined,
): ContentCipher | undefined {
  if (oid === OID.chacha20Poly1305 && params instanceof asn1js.OctetString) {
    const nonce = params.valueBlock.valueHexView.slice();
    if (nonce.length === 12) {
      return { mode: 'chacha20-poly1305', keyBytes: 32, iv: nonce, tagLength: 16 };
    }
  }
  if (oid === OID.desEde3Cbc && params instanceof asn1js.OctetString) {
    const iv = params.valueBlock.valueHexView.slice();
    if (iv.length === 8) return { mode: 'des-ede3-cbc', keyBytes: 24, iv, tagLength: 0 };
  }
  if (oid === OID.rc2Cbc && params instanceof asn1js.Sequence) {
    const [version, ivNode] = params.valueBlock.value;
    if (version instanceof asn1js.Integer && ivNode instanceof asn1js.OctetString) {
      const bits = rc2EffectiveBits(version.valueBlock.valueDec);
      const iv = ivNode.valueBlock.valueHexView.slice();
      if (iv.length === 8 && bits >= 40 && bits <= 1024) {
        // The key is as long as the effective bits say (OpenSSL and RFC 3370 keep them equal).
        return {
          mode: 'rc2-cbc',
          keyBytes: Math.ceil(bits / 8),
          iv,
          tagLength: 0,
          effectiveKeyBits: bits,
        };
      }
    }
  }
  return undefined;
}

/** The AlgorithmIdentifier for the content cipher, with its parameters (RFC 5084 / RFC 3565). */
export function contentEncryptionAlgorithm(
  mode: 'gcm' | 'cbc',
  iv: Uint8Array,
): pkijs.AlgorithmIdentifier {
  const algorithmParams =
    mode === 'gcm'
      ? new asn1js.Sequence({
          value: [
            new asn1js.OctetString({ valueHex: toArrayBuffer(iv) }),
            // aes-ICVlen DEFAULT 12: 16 must be written explicitly.
            new asn1js.Integer({ value: 16 }),
          ],
        })
      : new asn1js.OctetString({ valueHex: toArrayBuffer(iv) });
  return new pkijs.AlgorithmIdentifier({
    algorithmId: mode === 'gcm' ? OID.aes256Gcm : OID.aes256Cbc,
    algorithmParams,
  });
}

/** Reads the cipher and its parameters; ESMIME_UNSUPPORTED for anything else. */
export function readContentCipher(algorithm: pkijs.AlgorithmIdentifier): ContentCipher {
  const oid = algorithm.algorithmId;
  const params = algorithm.algorithmParams as asn1js.AsnType | undefined;
  if (GCM_KEY_BITS[oid] !== undefined && params instanceof asn1js.Sequence) {
    const [nonce, icv] = params.valueBlock.value;
    const tagLength = icv instanceof asn1js.Integer ? icv.valueBlock.valueDec : 12;
    if (nonce instanceof asn1js.OctetString && tagLength >= 12 && tagLength <= 16) {
      return {
        mode: 'gcm',
        keyBytes: GCM_KEY_BITS[oid]! / 8,
        iv: nonce.valueBlock.valueHexView.slice(),
        tagLength,
      };
    }
  }
  if (CBC_KEY_BITS[oid] !== undefined && params instanceof asn1js.OctetString) {
    const iv = params.valueBlock.valueHexView.slice();
    if (iv.length === 16)
      return { mode: 'cbc', keyBytes: CBC_KEY_BITS[oid]! / 8, iv, tagLength: 0 };
  }
  const legacy = readLegacyCipher(oid, params);
  if (legacy) return legacy;
  throw new SealpostError(
    'ESMIME_UNSUPPORTED',
    `The content is encrypted with an unsupported algorithm or parameters (${oid}).`,
    { details: { algorithm: oid } },
  );
}

/** Encrypts; for GCM returns ciphertext and tag separately (the tag goes into `mac`). */
export async function encryptContent(
  cipher: ContentCipher,
  key: Uint8Array,
  plaintext: Uint8Array,
  crypto: Crypto,
): Promise<{ ciphertext: Uint8Array; tag?: Uint8Array }> {
  if (cipher.mode !== 'gcm' && cipher.mode !== 'cbc') {
    throw new SealpostError('ESMIME_UNSUPPORTED', `sealpost does not write ${cipher.mode}.`);
  }
  const name = cipher.mode === 'gcm' ? 'AES-GCM' : 'AES-CBC';
  const cryptoKey = await crypto.subtle.importKey('raw', key as BufferSource, name, false, [
    'encrypt',
  ]);
  const params =
    cipher.mode === 'gcm'
      ? { name, iv: cipher.iv as BufferSource, tagLength: cipher.tagLength * 8 }
      : { name, iv: cipher.iv as BufferSource };
  const out = new Uint8Array(
    await crypto.subtle.encrypt(params, cryptoKey, plaintext as BufferSource),
  );
  if (cipher.mode === 'cbc') return { ciphertext: out };
  const split = out.length - cipher.tagLength;
  return { ciphertext: out.subarray(0, split), tag: out.subarray(split) };
}

/**
 * Decrypts and authenticates. Every failure is the same ESMIME_DECRYPT: a wrong key (also the
 * random key substituted after a bad RSA padding) and an altered message look alike.
 */
export async function decryptContent(
  cipher: ContentCipher,
  key: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array | undefined,
  additionalData: Uint8Array | undefined,
  crypto: Crypto,
  contentDecrypt?: ContentDecrypt,
): Promise<Uint8Array> {
  if (cipher.mode !== 'gcm' && cipher.mode !== 'cbc' && !contentDecrypt) {
    throw new SealpostError(
      'ESMIME_CIPHER_UNAVAILABLE',
      `The content is encrypted with ${cipher.mode}, which needs contentDecrypt from @sealpost/smime/node.`,
      { details: { cipher: cipher.mode } },
    );
  }
  try {
    if (key.length !== cipher.keyBytes) throw new Error('key length');
    if (cipher.mode !== 'gcm' && cipher.mode !== 'cbc') {
      if (cipher.tagLength > 0 && tag?.length !== cipher.tagLength) throw new Error('tag length');
      return await contentDecrypt!({
        cipher: cipher.mode,
        key,
        iv: cipher.iv,
        ciphertext,
        ...(tag && cipher.tagLength > 0 ? { tag } : {}),
        ...(additionalData && cipher.tagLength > 0 ? { additionalData } : {}),
        ...(cipher.effectiveKeyBits ? { effectiveKeyBits: cipher.effectiveKeyBits } : {}),
      });
    }
    const name = cipher.mode === 'gcm' ? 'AES-GCM' : 'AES-CBC';
    const cryptoKey = await crypto.subtle.importKey('raw', key as BufferSource, name, false, [
      'decrypt',
    ]);
    if (cipher.mode === 'cbc') {
      return new Uint8Array(
        await crypto.subtle.decrypt(
          { name, iv: cipher.iv as BufferSource },
          cryptoKey,
          ciphertext as BufferSource,
        ),
      );
    }
    if (!tag || tag.length !== cipher.tagLength) throw new Error('tag length');
    const params: AesGcmParams = {
      name,
      iv: cipher.iv as BufferSource,
      tagLength: cipher.tagLength * 8,
    };
    if (additionalData) params.additionalData = additionalData as BufferSource;
    return new Uint8Array(
      await crypto.subtle.decrypt(
        params,
        cryptoKey,
        concatBytes([ciphertext, tag]) as BufferSource,
      ),
    );
  } catch (cause) {
    if (cause instanceof SealpostError && cause.code === 'ESMIME_CIPHER_UNAVAILABLE') throw cause;
    throw new SealpostError(
      'ESMIME_DECRYPT',
      'The S/MIME content could not be decrypted: the key does not fit or the message was altered.',
      { cause },
    );
  }
}

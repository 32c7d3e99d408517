/**
 * Content-encryption algorithms: AES-GCM (RFC 5084 §3.2, GCMParameters with a 12-octet nonce
 * and a 16-octet ICV) and AES-CBC (RFC 3565 §4.1, the IV as parameter).
 */
import { concatBytes } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes.js';
import { OID } from '../oids.js';

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
  readonly mode: 'gcm' | 'cbc';
  readonly keyBytes: number;
  /** The GCM nonce or the CBC IV. */
  readonly iv: Uint8Array;
  /** GCM tag length in octets. */
  readonly tagLength: number;
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
): Promise<Uint8Array> {
  try {
    if (key.length !== cipher.keyBytes) throw new Error('key length');
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
    throw new SealpostError(
      'ESMIME_DECRYPT',
      'The S/MIME content could not be decrypted: the key does not fit or the message was altered.',
      { cause },
    );
  }
}

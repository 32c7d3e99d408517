/**
 * Content ciphers the runtime-neutral core does not carry, because Web Crypto has none of
 * them: the legacy 3DES-CBC and RC2-CBC (RFC 3370 §5.1, §5.2; read only, never written) and
 * ChaCha20-Poly1305 (RFC 8103). The runtime passes the operation in, like `rsaRawDecrypt`:
 * `contentDecrypt` from @sealpost/smime/node (decision 0095).
 */
export type InjectedCipher = 'des-ede3-cbc' | 'rc2-cbc' | 'chacha20-poly1305';

export interface ContentDecryptRequest {
  readonly cipher: InjectedCipher;
  readonly key: Uint8Array;
  /** The CBC IV (8 octets) or the ChaCha20-Poly1305 nonce (12 octets). */
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** The Poly1305 tag (16 octets), for chacha20-poly1305 only. */
  readonly tag?: Uint8Array;
  /** The AEAD additional data (DER of authAttrs, RFC 5083 §2.2). */
  readonly additionalData?: Uint8Array;
  /** RC2 effective key bits (RFC 2268 §2; RFC 3370 §5.2 rc2ParameterVersion). */
  readonly effectiveKeyBits?: number;
}

/**
 * Decrypts (and for the AEAD, authenticates) or rejects; CBC padding is removed. Throws
 * ESMIME_CIPHER_UNAVAILABLE when the runtime lacks the cipher, anything else on failure.
 */
export type ContentDecrypt = (request: ContentDecryptRequest) => Promise<Uint8Array>;

/** Decrypting AuthEnvelopedData (RFC 5083 §2) and EnvelopedData (RFC 5652 §6) for one recipient. */
import type { SmimeCertificate } from '../certificate.js';
import type { SmimePrivateKey } from '../private-key.js';
import { type EnvelopeKind, parseEnvelope } from './auth-enveloped-data.js';
import type { ContentDecrypt } from './content-decrypt.js';
import { decryptContent, weakCipherNote } from './content-encryption.js';
import { contentKeyFor, envelopeCipher, notForUs } from './content-key.js';
import type { RsaRawDecrypt } from './rsa-pkcs1-v1_5.js';

export interface DecryptCmsOptions {
  readonly privateKey: SmimePrivateKey;
  /** The recipient's certificate: selects the RecipientInfo meant for us. */
  readonly certificate: SmimeCertificate;
  /** The raw RSA operation for PKCS#1 v1.5 key transport (`rsaRawDecrypt` from @sealpost/smime/node). */
  readonly rsaRawDecrypt?: RsaRawDecrypt;
  /**
   * Ciphers Web Crypto lacks: ChaCha20-Poly1305 and the legacy 3DES/RC2 (`contentDecrypt`
   * from @sealpost/smime/node). Without it such messages fail with ESMIME_CIPHER_UNAVAILABLE.
   */
  readonly contentDecrypt?: ContentDecrypt;
  readonly crypto?: Crypto;
}

export interface DecryptedCms {
  readonly content: Uint8Array;
  readonly contentType: string;
  readonly structure: EnvelopeKind;
  /**
   * What protects the content against change: 'aead' (AuthEnvelopedData, AES-GCM tag, RFC
   * 5083) or 'none' (EnvelopedData, AES-CBC, RFC 5652 §6): CBC ciphertext can be changed block
   * by block without detection (EFAIL, USENIX Security 2018); only a valid signature inside
   * then vouches for the content.
   */
  readonly integrity: 'aead' | 'none';
  /** e.g. '2.16.840.1.101.3.4.1.46' (aes256-GCM). */
  readonly contentEncryptionOid: string;
  /** e.g. RSA-OAEP, RSAES-PKCS1-v1_5, the ECDH or the X25519-HKDF scheme OID. */
  readonly keyEncryptionOid: string;
  /**
   * true when the content cipher is a weak legacy one we read but never write (3DES-CBC,
   * RC2-CBC; decision 0096): the content may have been readable to others. `weakNote` says why.
   */
  readonly weak: boolean;
  /** One sentence for the user, present exactly when `weak` is true. */
  readonly weakNote?: string;
}

/** Decrypts a DER/BER ContentInfo; ESMIME_DECRYPT if it is not for us or was altered. */
export async function decryptCms(
  bytes: Uint8Array,
  options: DecryptCmsOptions,
): Promise<DecryptedCms> {
  const crypto = options.crypto ?? globalThis.crypto;
  const envelope = parseEnvelope(bytes);
  const cipher = envelopeCipher(envelope.kind, envelope.contentEncryptionAlgorithm);
  const key = await contentKeyFor(envelope.recipientInfos, options, cipher, {
    crypto,
    ...(options.rsaRawDecrypt ? { rsaRawDecrypt: options.rsaRawDecrypt } : {}),
  });
  if (!key) throw notForUs(options.certificate.subject, envelope.recipientInfos.length);
  const { cek, keyEncryptionOid } = key;
  const content = await decryptContent(
    cipher,
    cek,
    envelope.ciphertext,
    envelope.mac,
    envelope.authAttrsDer,
    crypto,
    options.contentDecrypt,
  );
  cek.fill(0);
  const weakNote = weakCipherNote(cipher);
  return {
    content,
    contentType: envelope.contentType,
    structure: envelope.kind,
    integrity: envelope.kind === 'authEnvelopedData' ? 'aead' : 'none',
    contentEncryptionOid: envelope.contentEncryptionAlgorithm.algorithmId,
    keyEncryptionOid,
    weak: weakNote !== undefined,
    ...(weakNote ? { weakNote } : {}),
  };
}

/** Decrypting AuthEnvelopedData (RFC 5083 §2) and EnvelopedData (RFC 5652 §6) for one recipient. */
import { SealpostError } from '@sealpost/errors';
import * as pkijs from 'pkijs';
import type { SmimeCertificate } from '../certificate.js';
import { OID } from '../oids.js';
import type { SmimePrivateKey } from '../private-key.js';
import { type EnvelopeKind, parseEnvelope } from './auth-enveloped-data.js';
import { decryptContent, readContentCipher } from './content-encryption.js';
import { decryptKeyAgree, keyAgreeEntryFor } from './key-agree-recipient.js';
import { decryptKeyTrans } from './key-trans-recipient.js';
import { identifiesCertificate } from './recipient-identifier.js';
import type { RsaRawDecrypt } from './rsa-pkcs1-v1_5.js';

export interface DecryptCmsOptions {
  readonly privateKey: SmimePrivateKey;
  /** The recipient's certificate: selects the RecipientInfo meant for us. */
  readonly certificate: SmimeCertificate;
  /** The raw RSA operation for PKCS#1 v1.5 key transport (`rsaRawDecrypt` from @sealpost/smime/node). */
  readonly rsaRawDecrypt?: RsaRawDecrypt;
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
  /** e.g. RSA-OAEP, RSAES-PKCS1-v1_5 or the ECDH scheme OID. */
  readonly keyEncryptionOid: string;
}

/** Decrypts a DER/BER ContentInfo; ESMIME_DECRYPT if it is not for us or was altered. */
export async function decryptCms(
  bytes: Uint8Array,
  options: DecryptCmsOptions,
): Promise<DecryptedCms> {
  const crypto = options.crypto ?? globalThis.crypto;
  const envelope = parseEnvelope(bytes);
  const cipher = readContentCipher(envelope.contentEncryptionAlgorithm);
  if (envelope.kind === 'envelopedData' && cipher.mode === 'gcm') {
    // GCM inside EnvelopedData has nowhere to carry the tag: unauthenticated, refuse it.
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      'AES-GCM inside EnvelopedData (no tag) is not accepted.',
    );
  }
  if (envelope.kind === 'authEnvelopedData' && cipher.mode !== 'gcm') {
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      'AuthEnvelopedData must use an authenticated cipher (AES-GCM).',
    );
  }
  let cek: Uint8Array | undefined;
  let keyEncryptionOid = '';
  for (const info of envelope.recipientInfos) {
    if (info.variant === 1) {
      const ktri = info.value as pkijs.KeyTransRecipientInfo;
      if (!identifiesCertificate(ktri.rid, options.certificate)) continue;
      keyEncryptionOid = ktri.keyEncryptionAlgorithm.algorithmId;
      cek = await decryptKeyTrans(ktri, options.privateKey, cipher.keyBytes, {
        crypto,
        ...(options.rsaRawDecrypt ? { rsaRawDecrypt: options.rsaRawDecrypt } : {}),
      });
      break;
    }
    if (info.variant === 2 && info.value instanceof pkijs.KeyAgreeRecipientInfo) {
      const entry = keyAgreeEntryFor(info.value, options.certificate);
      if (!entry) continue;
      keyEncryptionOid = info.value.keyEncryptionAlgorithm.algorithmId;
      cek = await decryptKeyAgree(info.value, entry, options.privateKey, crypto);
      break;
    }
  }
  if (!cek) {
    throw new SealpostError(
      'ESMIME_DECRYPT',
      `The message is not encrypted for the certificate ${options.certificate.subject}.`,
      { details: { recipients: envelope.recipientInfos.length } },
    );
  }
  const content = await decryptContent(
    cipher,
    cek,
    envelope.ciphertext,
    envelope.mac,
    envelope.authAttrsDer,
    crypto,
  );
  cek.fill(0);
  return {
    content,
    contentType: envelope.contentType,
    structure: envelope.kind,
    integrity: envelope.kind === 'authEnvelopedData' ? 'aead' : 'none',
    contentEncryptionOid: envelope.contentEncryptionAlgorithm.algorithmId,
    keyEncryptionOid: keyEncryptionOid || OID.rsaEncryption,
  };
}

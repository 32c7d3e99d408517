/**
 * Encrypting content for recipients: AuthEnvelopedData with AES-256-GCM (RFC 5083, RFC 5084;
 * RFC 8551 §2.7 prefers it) or EnvelopedData with AES-256-CBC (RFC 5652 §6, RFC 3565); RSA,
 * ECDH (RFC 5753) or X25519-HKDF-SHA256 (RFC 8418) recipients, chosen by certificate key.
 */
import { SealpostError } from '@sealpost/errors';
import type { SmimeCertificate } from '../certificate.js';
import { encodeEnvelope } from './auth-enveloped-data.js';
import {
  type ContentEncryption,
  contentEncryptionAlgorithm,
  encryptContent,
} from './content-encryption.js';
import { buildKeyAgreeRecipient } from './key-agree-recipient.js';
import { buildX25519KeyAgreeRecipient } from './key-agree-x25519.js';
import { buildKeyTransRecipient, type RsaPadding } from './key-trans-recipient.js';

/** A recipient certificate, optionally with its own RSA padding choice. */
export type CmsRecipient =
  | SmimeCertificate
  | {
      readonly certificate: SmimeCertificate;
      readonly rsaPadding?: RsaPadding;
      /** The recipient's address, checked against the certificate when trust anchors are given. */
      readonly address?: string;
    };

export interface EncryptCmsOptions {
  /** Default 'aes-256-gcm' (AuthEnvelopedData); 'aes-256-cbc' writes EnvelopedData. */
  readonly contentEncryption?: ContentEncryption;
  /** RSA key transport: 'oaep' (RSAES-OAEP SHA-256, default) or 'pkcs1v15'. */
  readonly rsaPadding?: RsaPadding;
  readonly crypto?: Crypto;
}

export const CEK_BYTES = 32;

/** Builds one RecipientInfo (DER) per recipient for the content key `cek`. */
export async function buildRecipientInfos(
  recipients: readonly CmsRecipient[],
  cek: Uint8Array,
  rsaPadding: RsaPadding,
  crypto: Crypto,
): Promise<Uint8Array[]> {
  if (recipients.length === 0) {
    throw new SealpostError('ESMIME_FORMAT', 'An encrypted message needs at least one recipient.');
  }
  return Promise.all(
    recipients.map((recipient) => {
      const cert = 'der' in recipient ? recipient : recipient.certificate;
      const padding = ('der' in recipient ? undefined : recipient.rsaPadding) ?? rsaPadding;
      const key = cert.publicKey;
      if (key.type === 'rsa') return buildKeyTransRecipient(cert, cek, padding, crypto);
      if (key.type === 'ec') return buildKeyAgreeRecipient(cert, cek, crypto);
      if (key.type === 'x25519') return buildX25519KeyAgreeRecipient(cert, cek, crypto);
      throw new SealpostError(
        'ESMIME_CERT_WEAK',
        `The certificate for ${cert.subject} has an unsupported key algorithm.`,
      );
    }),
  );
}

/** Encrypts `content` (id-data) for all recipients; returns the DER ContentInfo. */
export async function encryptCms(
  content: Uint8Array,
  recipients: readonly CmsRecipient[],
  options: EncryptCmsOptions = {},
): Promise<Uint8Array> {
  const crypto = options.crypto ?? globalThis.crypto;
  const mode = options.contentEncryption === 'aes-256-cbc' ? 'cbc' : 'gcm';
  const cek = crypto.getRandomValues(new Uint8Array(CEK_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(mode === 'gcm' ? 12 : 16));
  const recipientInfos = await buildRecipientInfos(
    recipients,
    cek,
    options.rsaPadding ?? 'oaep',
    crypto,
  );
  const { ciphertext, tag } = await encryptContent(
    { mode, keyBytes: CEK_BYTES, iv, tagLength: 16 },
    cek,
    content,
    crypto,
  );
  cek.fill(0);
  return encodeEnvelope({
    kind: mode === 'gcm' ? 'authEnvelopedData' : 'envelopedData',
    recipientInfos,
    contentEncryptionAlgorithm: contentEncryptionAlgorithm(mode, iv),
    ciphertext,
    ...(tag ? { mac: tag } : {}),
  });
}

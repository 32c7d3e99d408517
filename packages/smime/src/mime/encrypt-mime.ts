/**
 * Encrypting a message (RFC 8551 §3.3): application/pkcs7-mime with smime-type
 * authEnveloped-data (AES-256-GCM, default) or enveloped-data (AES-256-CBC), optionally signed
 * first (sign-then-encrypt, RFC 8551 §3.6), with RFC 9788 header protection (hp="cipher";
 * under hcp_baseline the outer Subject is "[...]").
 */
import {
  canonicalizeLineEnds,
  type HeaderField,
  joinMessage,
  type MimeEntity,
  protectHeaders,
  serializeEntity,
  splitMessage,
} from '@sealpost/compose';
import type { SmimeCertificate } from '../certificate.js';
import { checkCertificate } from '../check-certificate.js';
import type { ContentEncryption } from '../cms/content-encryption.js';
import { type CmsRecipient, encryptCms } from '../cms/encrypt-cms.js';
import type { RsaPadding } from '../cms/key-trans-recipient.js';
import { type SignerOptions, signEntity } from './sign-mime.js';
import { pkcs7MimeEntity } from './smime-entity.js';

export interface EncryptMimeOptions {
  /** Every recipient's certificate (include the sender's own to keep a readable copy). */
  readonly recipients: readonly CmsRecipient[];
  /** 'aes-256-gcm' (AuthEnvelopedData, default) or 'aes-256-cbc' (EnvelopedData, compatibility). */
  readonly contentEncryption?: ContentEncryption;
  /** RSA key transport: 'oaep' (default) or 'pkcs1v15' for clients that need it. */
  readonly rsaPadding?: RsaPadding;
  /** Sign before encrypting. */
  readonly sign?: SignerOptions;
  /**
   * When given, every recipient certificate is checked first (checkCertificate, purpose
   * 'encrypt': chain, dates, usage, key strength, and the address if the recipient has one).
   */
  readonly trustAnchors?: readonly SmimeCertificate[];
  readonly now?: Date;
  /** RFC 9788 header protection; default true (the same option as @sealpost/pgp's). */
  readonly headerProtection?: boolean;
  /** RFC 9788 §3.2 header confidentiality policy; default 'baseline' (outer Subject "[...]"). */
  readonly hcp?: 'baseline' | 'no_confidentiality';
  readonly crypto?: Crypto;
}

/** Encrypts (and optionally signs) a whole RFC 5322 message; returns the encrypted message. */
export async function encryptMime(
  message: Uint8Array,
  options: EncryptMimeOptions,
): Promise<Uint8Array> {
  if (options.trustAnchors) {
    for (const recipient of options.recipients) {
      const certificate = 'der' in recipient ? recipient : recipient.certificate;
      const address = 'der' in recipient ? undefined : recipient.address;
      await checkCertificate(certificate, {
        purpose: 'encrypt',
        trustAnchors: options.trustAnchors,
        ...(address !== undefined ? { address } : {}),
        ...(options.now ? { now: options.now } : {}),
        ...(options.crypto ? { crypto: options.crypto } : {}),
      });
    }
  }
  const canonical = canonicalizeLineEnds(message);
  let outer: HeaderField[];
  let payload: MimeEntity;
  if (options.headerProtection === false) {
    const split = splitMessage(canonical);
    outer = split.messageHeaders;
    payload = split.entity;
  } else {
    const protectedParts = protectHeaders(canonical, {
      mode: 'cipher',
      hcp: options.hcp ?? 'baseline',
    });
    outer = protectedParts.outerHeaders;
    payload = protectedParts.payload;
  }
  const inner = options.sign
    ? await signEntity(payload, {
        ...options.sign,
        ...(options.crypto ? { crypto: options.crypto } : {}),
      })
    : payload;
  const gcm = (options.contentEncryption ?? 'aes-256-gcm') === 'aes-256-gcm';
  const der = await encryptCms(serializeEntity(inner), options.recipients, {
    contentEncryption: gcm ? 'aes-256-gcm' : 'aes-256-cbc',
    rsaPadding: options.rsaPadding ?? 'oaep',
    ...(options.crypto ? { crypto: options.crypto } : {}),
  });
  return joinMessage(outer, pkcs7MimeEntity(gcm ? 'authEnveloped-data' : 'enveloped-data', der));
}

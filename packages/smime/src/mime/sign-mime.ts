/**
 * Signing a message (RFC 8551 §3.5): multipart/signed with protocol="application/pkcs7-signature"
 * and micalg=sha-256 (RFC 1847, RFC 5751 §3.4.3.2), or opaque application/pkcs7-mime
 * signed-data; RFC 9788 header protection with hp="clear".
 */
import {
  canonicalizeLineEnds,
  createMultipart,
  type HeaderField,
  joinMessage,
  type MimeEntity,
  protectHeaders,
  serializeEntity,
  splitMessage,
} from '@sealpost/compose';
import type { SmimeCertificate } from '../certificate.js';
import { signCms } from '../cms/sign-cms.js';
import type { SmimePrivateKey } from '../private-key.js';
import { toSevenBit } from './seven-bit.js';
import { pkcs7MimeEntity, pkcs7SignatureEntity } from './smime-entity.js';

export interface SignerOptions {
  readonly certificate: SmimeCertificate;
  readonly privateKey: SmimePrivateKey;
  /** Issuer certificates to include (RFC 8551 §2.4.1: the chain lets recipients validate). */
  readonly chain?: readonly SmimeCertificate[];
  /** 'detached' (multipart/signed, default) or 'opaque' (application/pkcs7-mime signed-data). */
  readonly format?: 'detached' | 'opaque';
  readonly signingTime?: Date;
}

export interface SignMimeOptions extends SignerOptions {
  /** RFC 9788 header protection (hp="clear"); default true. */
  readonly headerProtection?: boolean;
  readonly crypto?: Crypto;
}

/** Signs an entity (already 7-bit-safe) and returns the signed wrapper entity. */
export async function signEntity(
  entity: MimeEntity,
  options: SignerOptions & { crypto?: Crypto },
): Promise<MimeEntity> {
  const part = toSevenBit(entity);
  const signedBytes = serializeEntity(part);
  const detached = (options.format ?? 'detached') === 'detached';
  const der = await signCms(signedBytes, {
    certificate: options.certificate,
    privateKey: options.privateKey,
    detached,
    ...(options.chain ? { chain: options.chain } : {}),
    ...(options.signingTime ? { signingTime: options.signingTime } : {}),
    ...(options.crypto ? { crypto: options.crypto } : {}),
  });
  if (!detached) return pkcs7MimeEntity('signed-data', der);
  return createMultipart('signed', [part, pkcs7SignatureEntity(der)], {
    // RFC 8419 §3.1 pairs Ed25519 with SHA-512; micalg names the digest (RFC 8551 §3.5.3.2).
    params: {
      protocol: 'application/pkcs7-signature',
      micalg: options.privateKey.type === 'ed25519' ? 'sha-512' : 'sha-256',
    },
  });
}

/** Signs a whole RFC 5322 message; returns the signed message. */
export async function signMime(message: Uint8Array, options: SignMimeOptions): Promise<Uint8Array> {
  const canonical = canonicalizeLineEnds(message);
  let outer: HeaderField[];
  let payload: MimeEntity;
  if (options.headerProtection === false) {
    const split = splitMessage(canonical);
    outer = split.messageHeaders;
    payload = split.entity;
  } else {
    const protectedParts = protectHeaders(canonical, { mode: 'clear' });
    outer = protectedParts.outerHeaders;
    payload = protectedParts.payload;
  }
  return joinMessage(outer, await signEntity(payload, options));
}

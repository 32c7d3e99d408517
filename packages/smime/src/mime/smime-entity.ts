/** The S/MIME MIME types (RFC 8551 §3.2): application/pkcs7-mime and application/pkcs7-signature. */
import { createEntity, entityContentType, type MimeEntity } from '@sealpost/compose';
import { encodeBase64Lines } from '../bytes.js';

export type SmimeType = 'authEnveloped-data' | 'enveloped-data' | 'signed-data';

/** An application/pkcs7-mime entity named smime.p7m, base64 (RFC 8551 §3.2.1–3.2.2). */
export function pkcs7MimeEntity(smimeType: SmimeType, der: Uint8Array): MimeEntity {
  const { headers } = createEntity({
    contentType: 'application/pkcs7-mime',
    params: { 'smime-type': smimeType, name: 'smime.p7m' },
    body: new Uint8Array(0),
    transferEncoding: 'base64',
    filename: 'smime.p7m',
    disposition: 'attachment',
  });
  // The body is encoded here, as bytes: large messages would otherwise become huge strings.
  return { headers, body: encodeBase64Lines(der) };
}

/** The signature part of multipart/signed, named smime.p7s (RFC 8551 §3.5.3). */
export function pkcs7SignatureEntity(der: Uint8Array): MimeEntity {
  return createEntity({
    contentType: 'application/pkcs7-signature',
    params: { name: 'smime.p7s' },
    body: der,
    transferEncoding: 'base64',
    filename: 'smime.p7s',
    disposition: 'attachment',
    description: 'S/MIME Cryptographic Signature',
  });
}

export type SmimeKind = 'encrypted' | 'signed-opaque' | 'signed-detached' | 'none';

/** What kind of S/MIME entity this is; the x-pkcs7 names of older clients are accepted. */
export function smimeKind(entity: MimeEntity): SmimeKind {
  const ct = entityContentType(entity);
  const media = ct.mediaType.toLowerCase();
  if (media === 'multipart/signed') {
    const protocol = (ct.params.protocol ?? '').toLowerCase();
    return protocol === 'application/pkcs7-signature' ||
      protocol === 'application/x-pkcs7-signature'
      ? 'signed-detached'
      : 'none';
  }
  if (media === 'application/pkcs7-mime' || media === 'application/x-pkcs7-mime') {
    const type = (ct.params['smime-type'] ?? '').toLowerCase();
    if (type === 'signed-data') return 'signed-opaque';
    // Without smime-type (old clients), the CMS content type decides later.
    return 'encrypted';
  }
  return 'none';
}

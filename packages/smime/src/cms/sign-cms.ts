/**
 * SignedData (RFC 5652 §5) as S/MIME 4.0 writes it (RFC 8551 §2.5): SHA-256 (SHA-512 with an
 * Ed25519 key, RFC 8419), signed attributes
 * contentType, signingTime, messageDigest and smimeCapabilities, the signer's certificate and
 * chain included; detached (multipart/signed) or with the content inside (opaque).
 */
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes.js';
import type { SmimeCertificate } from '../certificate.js';
import { cryptoEngine } from '../engine.js';
import { OID } from '../oids.js';
import { importPrivateKey, type SmimePrivateKey } from '../private-key.js';
import { toDer } from './der.js';
import { signEd25519 } from './ed25519-signature.js';
import { issuerAndSerialOf } from './recipient-identifier.js';

export interface SignCmsOptions {
  readonly certificate: SmimeCertificate;
  readonly privateKey: SmimePrivateKey;
  /** Issuer certificates to include after the signer's (not the root, usually). */
  readonly chain?: readonly SmimeCertificate[];
  /** true: the content is not inside (multipart/signed). */
  readonly detached: boolean;
  readonly signingTime?: Date;
  readonly crypto?: Crypto;
}

/** What we can decrypt, strongest first (RFC 8551 §2.5.2): AES-GCM, then AES-CBC. */
const CAPABILITIES = [OID.aes256Gcm, OID.aes128Gcm, OID.aes256Cbc, OID.aes192Cbc, OID.aes128Cbc];

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

function signingTimeValue(date: Date): asn1js.AsnType {
  // RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise.
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? new asn1js.UTCTime({ valueDate: date })
    : new asn1js.GeneralizedTime({ valueDate: date });
}

export async function signCms(content: Uint8Array, options: SignCmsOptions): Promise<Uint8Array> {
  const crypto = options.crypto ?? globalThis.crypto;
  const ed25519 = options.privateKey.type === 'ed25519';
  const digest = new Uint8Array(
    await crypto.subtle.digest(ed25519 ? 'SHA-512' : 'SHA-256', content as BufferSource),
  );
  return signCmsDigest(digest, options, content);
}

/**
 * SignedData over content known only by its digest (a detached signature over a stream):
 * SHA-256, or SHA-512 for an Ed25519 key (RFC 8419). With signed attributes the signature
 * covers them, and they carry the digest (RFC 5652 §5.4), so the content itself is not needed.
 * `content` is for opaque signing.
 */
export async function signCmsDigest(
  digest: Uint8Array,
  options: SignCmsOptions,
  content?: Uint8Array,
): Promise<Uint8Array> {
  const crypto = options.crypto ?? globalThis.crypto;
  const ed25519 = options.privateKey.type === 'ed25519';
  if (digest.length !== (ed25519 ? 64 : 32))
    throw new SealpostError(
      'EINTERNAL',
      `signCmsDigest: an ${ed25519 ? 'Ed25519' : 'RSA/ECDSA'} signer needs a ${ed25519 ? 'SHA-512' : 'SHA-256'} digest`,
    );
  const capabilities = new asn1js.Sequence({
    value: CAPABILITIES.map(
      (oid) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] }),
    ),
  });
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      attribute(OID.contentTypeAttr, new asn1js.ObjectIdentifier({ value: OID.data })),
      attribute(OID.signingTimeAttr, signingTimeValue(options.signingTime ?? new Date())),
      attribute(OID.messageDigestAttr, new asn1js.OctetString({ valueHex: toArrayBuffer(digest) })),
      attribute(OID.smimeCapabilitiesAttr, capabilities),
    ],
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.data,
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: issuerAndSerialOf(options.certificate),
        signedAttrs,
      }),
    ],
    certificates: [options.certificate, ...(options.chain ?? [])].map((c) => c.pkijs),
  });
  if (!options.detached) {
    if (!content)
      throw new SealpostError('EINTERNAL', 'signCmsDigest: opaque signing needs the content');
    // pkijs turns eContent into a constructed OCTET STRING with a definite length, which
    // gpgsm (libksba) rejects; CMS (RFC 5652 §5.2) wants the plain DER OCTET STRING.
    signedData.encapContentInfo.eContent = new asn1js.OctetString({
      valueHex: toArrayBuffer(content),
    });
  }
  if (ed25519) {
    await signEd25519(signedData, signedData.signerInfos[0]!, options.privateKey, crypto);
  } else {
    const key = await importPrivateKey(options.privateKey, 'sign', 'SHA-256', crypto);
    // With signed attributes pkijs signs their DER, never the data argument.
    await signedData.sign(key, 0, 'SHA-256', new ArrayBuffer(0), cryptoEngine(crypto));
  }
  return toDer(
    new pkijs.ContentInfo({
      contentType: OID.signedData,
      content: signedData.toSchema(true),
    }).toSchema(),
  );
}

/**
 * What a CMS structure shows without a key (RFC 5652 §5–6, RFC 5083 §2.1): the recipient
 * identifiers of each RecipientInfo (issuer + serial number, or subject key identifier,
 * §6.2.1) and the algorithms, or the signer identifiers of a SignedData (§5.3).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesToHex, toArrayBuffer } from '../bytes.js';
import { formatName } from '../certificate.js';
import { OID } from '../oids.js';
import { algorithmName } from './algorithm-name.js';

/** Identifies a certificate: issuer + serial (RFC 5652 §10.2.4) or a subject key identifier. */
export interface CmsIdentifier {
  readonly issuer?: string;
  /** Lower-case hex. */
  readonly serialNumber?: string;
  /** Lower-case hex. */
  readonly subjectKeyIdentifier?: string;
}

export interface CmsRecipientFacts extends CmsIdentifier {
  /** ktri (key transport, RSA), kari (key agreement, ECDH), kekri, pwri or ori. */
  readonly type: 'ktri' | 'kari' | 'kekri' | 'pwri' | 'ori';
  readonly keyEncryption: string;
}

export interface CmsEnvelopeFacts {
  readonly structure: 'authEnvelopedData' | 'envelopedData';
  readonly contentEncryption: string;
  readonly recipients: readonly CmsRecipientFacts[];
}

export interface CmsSignerFacts extends CmsIdentifier {
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
  readonly signingTime: string | null;
  /** Subject of the signer's certificate, when the SignedData carries it. */
  readonly certificateSubject: string | null;
}

function identifier(id: unknown): CmsIdentifier {
  if (id instanceof pkijs.IssuerAndSerialNumber) {
    return {
      issuer: formatName(id.issuer),
      serialNumber: bytesToHex(id.serialNumber.valueBlock.valueHexView),
    };
  }
  if (id instanceof asn1js.OctetString) {
    return { subjectKeyIdentifier: bytesToHex(id.valueBlock.valueHexView) };
  }
  // SignerInfo sid [0] SubjectKeyIdentifier comes back as a constructed/primitive tag.
  const view = (id as { valueBlock?: { valueHexView?: Uint8Array } })?.valueBlock?.valueHexView;
  return view ? { subjectKeyIdentifier: bytesToHex(view) } : {};
}

/** Parses a DER/BER ContentInfo; throws a plain Error on malformed input. */
function readContentInfo(der: Uint8Array): pkijs.ContentInfo {
  const asn1 = asn1js.fromBER(toArrayBuffer(der));
  if (asn1.offset === -1) throw new Error('not DER/BER');
  return new pkijs.ContentInfo({ schema: asn1.result });
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  [OID.signedData]: 'signedData',
  [OID.envelopedData]: 'envelopedData',
  [OID.authEnvelopedData]: 'authEnvelopedData',
};

/**
 * The content type of a ContentInfo (RFC 5652 §3): "signedData", "envelopedData",
 * "authEnvelopedData", or the OID of any other. Throws a plain Error on malformed input.
 */
export function cmsContentType(der: Uint8Array): string {
  const { contentType } = readContentInfo(der);
  return CONTENT_TYPES[contentType] ?? contentType;
}

function recipientFacts(info: pkijs.RecipientInfo): CmsRecipientFacts[] {
  const value = info.value;
  if (value instanceof pkijs.KeyTransRecipientInfo) {
    return [
      {
        type: 'ktri',
        ...identifier(value.rid),
        keyEncryption: algorithmName(value.keyEncryptionAlgorithm.algorithmId),
      },
    ];
  }
  if (value instanceof pkijs.KeyAgreeRecipientInfo) {
    return value.recipientEncryptedKeys.encryptedKeys.map((key) => ({
      type: 'kari' as const,
      ...(key.rid.variant === 1
        ? identifier(key.rid.value)
        : identifier((key.rid.value as pkijs.RecipientKeyIdentifier).subjectKeyIdentifier)),
      keyEncryption: algorithmName(value.keyEncryptionAlgorithm.algorithmId),
    }));
  }
  const type = ({ 3: 'kekri', 4: 'pwri' } as const)[info.variant as 3 | 4] ?? 'ori';
  return [{ type, keyEncryption: 'not shown' }];
}

/** RecipientInfos and algorithms of EnvelopedData or AuthEnvelopedData; nothing is decrypted. */
export function describeEnvelope(der: Uint8Array): CmsEnvelopeFacts {
  const info = readContentInfo(der);
  if (info.contentType === OID.envelopedData) {
    const enveloped = new pkijs.EnvelopedData({ schema: info.content });
    return {
      structure: 'envelopedData',
      contentEncryption: algorithmName(
        enveloped.encryptedContentInfo.contentEncryptionAlgorithm.algorithmId,
      ),
      recipients: enveloped.recipientInfos.flatMap((r) => recipientFacts(r)),
    };
  }
  if (info.contentType !== OID.authEnvelopedData) {
    throw new Error(`content type ${info.contentType} is not (Auth)EnvelopedData`);
  }
  // RFC 5083 §2.1: version, originatorInfo [0] OPTIONAL, recipientInfos SET, EncryptedContentInfo, …
  const fields = (info.content as asn1js.Sequence).valueBlock.value;
  const set = fields.find((f) => f instanceof asn1js.Set) as asn1js.Set | undefined;
  const contentInfo = fields.find((f, i) => i > 0 && f instanceof asn1js.Sequence);
  if (!set || !contentInfo) throw new Error('AuthEnvelopedData without recipientInfos');
  const encrypted = new pkijs.EncryptedContentInfo({ schema: contentInfo });
  return {
    structure: 'authEnvelopedData',
    contentEncryption: algorithmName(encrypted.contentEncryptionAlgorithm.algorithmId),
    recipients: set.valueBlock.value.flatMap((element) =>
      recipientFacts(new pkijs.RecipientInfo({ schema: element })),
    ),
  };
}

/** The signers of a SignedData: who (by identifier and certificate subject), how and when. */
export function describeSignedData(der: Uint8Array): CmsSignerFacts[] {
  const info = readContentInfo(der);
  if (info.contentType !== OID.signedData) {
    throw new Error(`content type ${info.contentType} is not SignedData`);
  }
  const signed = new pkijs.SignedData({ schema: info.content });
  const certificates = (signed.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  return signed.signerInfos.map((signer) => {
    const id = identifier(signer.sid);
    const cert = certificates.find((c) =>
      id.serialNumber !== undefined
        ? bytesToHex(c.serialNumber.valueBlock.valueHexView) === id.serialNumber &&
          formatName(c.issuer) === id.issuer
        : false,
    );
    const time = signer.signedAttrs?.attributes.find((a) => a.type === OID.signingTimeAttr)
      ?.values[0];
    const signingTime =
      time instanceof asn1js.UTCTime || time instanceof asn1js.GeneralizedTime
        ? time.toDate().toISOString()
        : null;
    return {
      ...id,
      digestAlgorithm: algorithmName(signer.digestAlgorithm.algorithmId),
      signatureAlgorithm: algorithmName(signer.signatureAlgorithm.algorithmId),
      signingTime,
      certificateSubject: cert ? formatName(cert.subject) : null,
    };
  });
}

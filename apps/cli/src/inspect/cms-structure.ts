/**
 * What a CMS structure shows without a key (RFC 5652 §5–6, RFC 5083 §2.1): the recipient
 * identifiers of each RecipientInfo (issuer + serial number, or subject key identifier,
 * §6.2.1) and the algorithms, or the signer identifiers of a SignedData (§5.3).
 */
import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';

export interface CmsLibs {
  readonly asn1js: typeof Asn1js;
  readonly pkijs: typeof Pkijs;
}

/** Identifies a certificate: issuer + serial (RFC 5652 §10.2.4) or a subject key identifier. */
export interface CmsIdentifier {
  readonly issuer?: string;
  /** Lower-case hex. */
  readonly serialNumber?: string;
  /** Lower-case hex. */
  readonly subjectKeyIdentifier?: string;
}

export interface CmsRecipient extends CmsIdentifier {
  /** ktri (key transport, RSA), kari (key agreement, ECDH), kekri, pwri or ori. */
  readonly type: 'ktri' | 'kari' | 'kekri' | 'pwri' | 'ori';
  readonly keyEncryption: string;
}

export interface CmsEnvelopeFacts {
  readonly structure: 'authEnvelopedData' | 'envelopedData';
  readonly contentEncryption: string;
  readonly recipients: readonly CmsRecipient[];
}

export interface CmsSignerFacts extends CmsIdentifier {
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
  readonly signingTime: string | null;
  /** Subject of the signer's certificate, when the SignedData carries it. */
  readonly certificateSubject: string | null;
}

export const CMS_OID = {
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

const ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption (RSA PKCS#1 v1.5)',
  '1.2.840.113549.1.1.7': 'RSAES-OAEP',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.2.1': 'ecPublicKey',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.132.1.11.1': 'dhSinglePass-stdDH-sha256kdf (ECDH)',
  '1.3.132.1.11.2': 'dhSinglePass-stdDH-sha384kdf (ECDH)',
  '1.3.132.1.11.3': 'dhSinglePass-stdDH-sha512kdf (ECDH)',
  '1.3.133.16.840.63.0.2': 'dhSinglePass-stdDH-sha1kdf (ECDH)',
  '2.16.840.1.101.3.4.1.2': 'aes128-CBC',
  '2.16.840.1.101.3.4.1.22': 'aes192-CBC',
  '2.16.840.1.101.3.4.1.42': 'aes256-CBC',
  '2.16.840.1.101.3.4.1.6': 'aes128-GCM',
  '2.16.840.1.101.3.4.1.26': 'aes192-GCM',
  '2.16.840.1.101.3.4.1.46': 'aes256-GCM',
  '1.2.840.113549.3.7': 'des-ede3-cbc',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** A readable algorithm name with its OID, e.g. "aes256-GCM (2.16.840.1.101.3.4.1.46)". */
export function algorithmName(oid: string): string {
  const name = ALGORITHMS[oid];
  return name ? `${name} (${oid})` : oid;
}

const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'E',
};

function formatName(name: Pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const value = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
      return `${NAME_ATTRIBUTES[tv.type] ?? tv.type}=${typeof value === 'string' ? value : '?'}`;
    })
    .join(', ');
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function identifier(libs: CmsLibs, id: unknown): CmsIdentifier {
  if (id instanceof libs.pkijs.IssuerAndSerialNumber) {
    return {
      issuer: formatName(id.issuer),
      serialNumber: hex(id.serialNumber.valueBlock.valueHexView),
    };
  }
  if (id instanceof libs.asn1js.OctetString) {
    return { subjectKeyIdentifier: hex(id.valueBlock.valueHexView) };
  }
  // SignerInfo sid [0] SubjectKeyIdentifier comes back as a constructed/primitive tag.
  const view = (id as { valueBlock?: { valueHexView?: Uint8Array } })?.valueBlock?.valueHexView;
  return view ? { subjectKeyIdentifier: hex(view) } : {};
}

/** Parses a DER/BER ContentInfo; throws a plain Error on malformed input. */
export function readContentInfo(libs: CmsLibs, der: Uint8Array): Pkijs.ContentInfo {
  const asn1 = libs.asn1js.fromBER(der.slice().buffer);
  if (asn1.offset === -1) throw new Error('not DER/BER');
  return new libs.pkijs.ContentInfo({ schema: asn1.result });
}

function recipientFacts(libs: CmsLibs, info: Pkijs.RecipientInfo): CmsRecipient[] {
  const { pkijs } = libs;
  const value = info.value;
  if (value instanceof pkijs.KeyTransRecipientInfo) {
    return [
      {
        type: 'ktri',
        ...identifier(libs, value.rid),
        keyEncryption: algorithmName(value.keyEncryptionAlgorithm.algorithmId),
      },
    ];
  }
  if (value instanceof pkijs.KeyAgreeRecipientInfo) {
    return value.recipientEncryptedKeys.encryptedKeys.map((key) => ({
      type: 'kari' as const,
      ...(key.rid.variant === 1
        ? identifier(libs, key.rid.value)
        : identifier(libs, (key.rid.value as Pkijs.RecipientKeyIdentifier).subjectKeyIdentifier)),
      keyEncryption: algorithmName(value.keyEncryptionAlgorithm.algorithmId),
    }));
  }
  const type = ({ 3: 'kekri', 4: 'pwri' } as const)[info.variant as 3 | 4] ?? 'ori';
  return [{ type, keyEncryption: 'not shown' }];
}

/** RecipientInfos and algorithms of EnvelopedData or AuthEnvelopedData; nothing is decrypted. */
export function cmsEnvelopeFacts(libs: CmsLibs, info: Pkijs.ContentInfo): CmsEnvelopeFacts {
  const { asn1js, pkijs } = libs;
  if (info.contentType === CMS_OID.envelopedData) {
    const enveloped = new pkijs.EnvelopedData({ schema: info.content });
    return {
      structure: 'envelopedData',
      contentEncryption: algorithmName(
        enveloped.encryptedContentInfo.contentEncryptionAlgorithm.algorithmId,
      ),
      recipients: enveloped.recipientInfos.flatMap((r) => recipientFacts(libs, r)),
    };
  }
  if (info.contentType !== CMS_OID.authEnvelopedData) {
    throw new Error(`content type ${info.contentType} is not (Auth)EnvelopedData`);
  }
  // RFC 5083 §2.1: version, originatorInfo [0] OPTIONAL, recipientInfos SET, EncryptedContentInfo, …
  const fields = (info.content as Asn1js.Sequence).valueBlock.value;
  const set = fields.find((f) => f instanceof asn1js.Set) as Asn1js.Set | undefined;
  const contentInfo = fields.find((f, i) => i > 0 && f instanceof asn1js.Sequence);
  if (!set || !contentInfo) throw new Error('AuthEnvelopedData without recipientInfos');
  const encrypted = new pkijs.EncryptedContentInfo({ schema: contentInfo });
  return {
    structure: 'authEnvelopedData',
    contentEncryption: algorithmName(encrypted.contentEncryptionAlgorithm.algorithmId),
    recipients: set.valueBlock.value.flatMap((element) =>
      recipientFacts(libs, new pkijs.RecipientInfo({ schema: element })),
    ),
  };
}

/** The signers of a SignedData: who (by identifier and certificate subject), how and when. */
export function cmsSignerFacts(libs: CmsLibs, info: Pkijs.ContentInfo): CmsSignerFacts[] {
  const { asn1js, pkijs } = libs;
  if (info.contentType !== CMS_OID.signedData) {
    throw new Error(`content type ${info.contentType} is not SignedData`);
  }
  const signed = new pkijs.SignedData({ schema: info.content });
  const certificates = (signed.certificates ?? []).filter(
    (c): c is Pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  return signed.signerInfos.map((signer) => {
    const id = identifier(libs, signer.sid);
    const cert = certificates.find((c) =>
      id.serialNumber !== undefined
        ? hex(c.serialNumber.valueBlock.valueHexView) === id.serialNumber &&
          formatName(c.issuer) === id.issuer
        : false,
    );
    const time = signer.signedAttrs?.attributes.find((a) => a.type === CMS_OID.signingTime)
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

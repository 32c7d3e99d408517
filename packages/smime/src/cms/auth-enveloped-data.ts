/**
 * AuthEnvelopedData (RFC 5083 §2.1) and EnvelopedData (RFC 5652 §6.1), written byte by byte
 * (pkijs has no AuthEnvelopedData, and writes GCM inside EnvelopedData, which OpenSSL
 * rejects) and read with asn1js, reusing pkijs's RecipientInfo.
 *
 *   AuthEnvelopedData ::= SEQUENCE { version CMSVersion (0), originatorInfo [0] OPTIONAL,
 *     recipientInfos, authEncryptedContentInfo EncryptedContentInfo,
 *     authAttrs [1] OPTIONAL, mac OCTET STRING, unauthAttrs [2] OPTIONAL }
 */
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from '../oids.js';
import { derOid, derSetOf, derTlv, octetStringBytes, parseBer, TAG, toDer } from './der.js';

export type EnvelopeKind = 'authEnvelopedData' | 'envelopedData';

export interface EncodeEnvelopeInput {
  readonly kind: EnvelopeKind;
  /** Each RecipientInfo, DER-encoded. */
  readonly recipientInfos: readonly Uint8Array[];
  readonly contentEncryptionAlgorithm: pkijs.AlgorithmIdentifier;
  readonly ciphertext: Uint8Array;
  /** The GCM tag (AuthEnvelopedData only). */
  readonly mac?: Uint8Array;
}

function envelopedVersion(recipients: readonly Uint8Array[]): number {
  // RFC 5652 §6.1: 0 if all RecipientInfos are version 0 (a ktri SEQUENCE starting with
  // INTEGER 0), otherwise 2 (a kari is [1] with version 3).
  const versionZero = (r: Uint8Array) => {
    const header = r[1]! < 0x80 ? 2 : 2 + (r[1]! & 0x7f);
    return (
      r[0] === TAG.sequence &&
      r[header] === TAG.integer &&
      r[header + 1] === 1 &&
      r[header + 2] === 0
    );
  };
  return recipients.every(versionZero) ? 0 : 2;
}

/** The DER ContentInfo prefix up to the encrypted content, for streaming encoders. */
export function envelopeHeader(input: Omit<EncodeEnvelopeInput, 'ciphertext' | 'mac'>): {
  version: Uint8Array;
  recipientInfos: Uint8Array;
  contentType: Uint8Array;
  algorithm: Uint8Array;
} {
  const version = input.kind === 'authEnvelopedData' ? 0 : envelopedVersion(input.recipientInfos);
  return {
    version: Uint8Array.of(TAG.integer, 1, version),
    recipientInfos: derSetOf(input.recipientInfos),
    contentType: derOid(OID.data),
    algorithm: toDer(input.contentEncryptionAlgorithm.toSchema()),
  };
}

/** DER of ContentInfo { authEnvelopedData | envelopedData }. */
export function encodeEnvelope(input: EncodeEnvelopeInput): Uint8Array {
  const h = envelopeHeader(input);
  const encryptedContentInfo = derTlv(
    TAG.sequence,
    h.contentType,
    h.algorithm,
    derTlv(TAG.context0Primitive, input.ciphertext),
  );
  const fields = [h.version, h.recipientInfos, encryptedContentInfo];
  if (input.kind === 'authEnvelopedData') {
    if (!input.mac) throw new Error('AuthEnvelopedData needs a mac');
    fields.push(derTlv(TAG.octetString, input.mac));
  }
  const outerOid = input.kind === 'authEnvelopedData' ? OID.authEnvelopedData : OID.envelopedData;
  return derTlv(
    TAG.sequence,
    derOid(outerOid),
    derTlv(TAG.context0Constructed, derTlv(TAG.sequence, ...fields)),
  );
}

export interface ParsedEnvelope {
  readonly kind: EnvelopeKind;
  readonly recipientInfos: readonly pkijs.RecipientInfo[];
  readonly contentType: string;
  readonly contentEncryptionAlgorithm: pkijs.AlgorithmIdentifier;
  readonly ciphertext: Uint8Array;
  readonly mac?: Uint8Array;
  /** DER of authAttrs with the SET OF tag: the GCM additional data (RFC 5083 §2.2). */
  readonly authAttrsDer?: Uint8Array;
}

function formatError(message: string, cause?: unknown): SealpostError {
  return new SealpostError('ESMIME_FORMAT', message, cause === undefined ? {} : { cause });
}

function contextTag(node: asn1js.AsnType | undefined, number: number): boolean {
  return node !== undefined && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === number;
}

/** Parses ContentInfo holding AuthEnvelopedData or EnvelopedData (DER or BER). */
export function parseEnvelope(bytes: Uint8Array): ParsedEnvelope {
  let root: asn1js.AsnType;
  try {
    root = parseBer(bytes);
  } catch (cause) {
    throw formatError('The S/MIME content is not valid ASN.1 (BER/DER).', cause);
  }
  const outer = root instanceof asn1js.Sequence ? root.valueBlock.value : [];
  const [typeNode, wrapper] = outer;
  const type = typeNode instanceof asn1js.ObjectIdentifier ? typeNode.valueBlock.toString() : '';
  const kind: EnvelopeKind | undefined =
    type === OID.authEnvelopedData
      ? 'authEnvelopedData'
      : type === OID.envelopedData
        ? 'envelopedData'
        : undefined;
  if (!kind) {
    throw type
      ? new SealpostError(
          'ESMIME_UNSUPPORTED',
          `The CMS content type ${type} is not an encrypted message.`,
        )
      : formatError('The S/MIME content is not a CMS ContentInfo.');
  }
  const body = contextTag(wrapper, 0)
    ? (wrapper as asn1js.Constructed).valueBlock.value[0]
    : undefined;
  if (!(body instanceof asn1js.Sequence)) throw formatError('The CMS envelope has no content.');
  const fields = [...body.valueBlock.value];
  let i = 1; // version
  if (contextTag(fields[i], 0)) i++; // originatorInfo: certificates for the originator, not needed
  const recipientSet = fields[i++];
  const encryptedContentInfo = fields[i++];
  if (!(recipientSet instanceof asn1js.Set) || !(encryptedContentInfo instanceof asn1js.Sequence)) {
    throw formatError('The CMS envelope is malformed (recipientInfos / encryptedContentInfo).');
  }
  let authAttrsDer: Uint8Array | undefined;
  let mac: Uint8Array | undefined;
  if (kind === 'authEnvelopedData') {
    if (contextTag(fields[i], 1)) {
      const attrs = fields[i++] as asn1js.Constructed;
      // AAD is the DER of authAttrs with an EXPLICIT SET OF tag (RFC 5083 §2.2).
      authAttrsDer = derTlv(TAG.set, ...attrs.valueBlock.value.map((a) => toDer(a)));
    }
    const macNode = fields[i++];
    if (!(macNode instanceof asn1js.OctetString))
      throw formatError('The AuthEnvelopedData has no mac.');
    mac = octetStringBytes(macNode);
  }
  try {
    const recipientInfos = recipientSet.valueBlock.value.map(
      (schema) => new pkijs.RecipientInfo({ schema }),
    );
    const [ctNode, algNode, contentNode] = encryptedContentInfo.valueBlock.value;
    if (!(ctNode instanceof asn1js.ObjectIdentifier) || !algNode || !contextTag(contentNode, 0)) {
      throw new Error('encryptedContentInfo without contentType, algorithm or content');
    }
    return {
      kind,
      recipientInfos,
      contentType: ctNode.valueBlock.toString(),
      contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({ schema: algNode }),
      ciphertext: octetStringBytes(contentNode!),
      ...(mac ? { mac } : {}),
      ...(authAttrsDer ? { authAttrsDer } : {}),
    };
  } catch (cause) {
    throw formatError('The CMS envelope is malformed.', cause);
  }
}

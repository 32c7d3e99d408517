/**
 * Builders for hostile S/MIME input (test only): SignedData with any eContentType / eContent
 * and signers over any bytes (RFC 5652 §5), and a multipart/signed around any signature.
 */
import { joinMessage, splitMessage } from '@sealpost/compose';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { encodeBase64, toArrayBuffer } from '../../src/bytes.js';
import { encryptCms } from '../../src/cms/encrypt-cms.js';
import { issuerAndSerialOf } from '../../src/cms/recipient-identifier.js';
import { cryptoEngine } from '../../src/engine.js';
import { pkcs7MimeEntity } from '../../src/mime/smime-entity.js';
import { OID } from '../../src/oids.js';
import { importPrivateKey } from '../../src/private-key.js';
import type { Party } from '../fixtures.js';

export interface HostileSigner {
  readonly party: Party;
  /** The bytes this SignerInfo's messageDigest covers. */
  readonly signs: Uint8Array;
}

export interface HostileSignedData {
  readonly eContentType?: string;
  /** The eContent; undefined leaves it out. */
  readonly eContent?: Uint8Array;
  readonly signers: readonly HostileSigner[];
}

export async function hostileSignedData(input: HostileSignedData): Promise<Uint8Array> {
  const eContentType = input.eContentType ?? OID.data;
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType }),
    signerInfos: [],
    certificates: input.signers.map((s) => s.party.certificate.pkijs),
  });
  if (input.eContent !== undefined) {
    signedData.encapContentInfo.eContent = new asn1js.OctetString({
      valueHex: toArrayBuffer(input.eContent),
    });
  }
  for (const signer of input.signers) {
    const digest = await crypto.subtle.digest('SHA-256', signer.signs as BufferSource);
    signedData.signerInfos.push(
      new pkijs.SignerInfo({
        version: 1,
        sid: issuerAndSerialOf(signer.party.certificate),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: OID.contentTypeAttr,
              values: [new asn1js.ObjectIdentifier({ value: eContentType })],
            }),
            new pkijs.Attribute({
              type: OID.messageDigestAttr,
              values: [new asn1js.OctetString({ valueHex: digest })],
            }),
          ],
        }),
      }),
    );
  }
  for (const [index, signer] of input.signers.entries()) {
    const key = await importPrivateKey(signer.party.privateKey, 'sign', 'SHA-256', crypto);
    await signedData.sign(key, index, 'SHA-256', toArrayBuffer(signer.signs), cryptoEngine());
  }
  const info = new pkijs.ContentInfo({
    contentType: OID.signedData,
    content: signedData.toSchema(true),
  });
  return new Uint8Array(info.toSchema().toBER());
}

const CRLF = '\r\n';
export const HEADERS =
  'From: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\n' +
  'Subject: Payment\r\nMIME-Version: 1.0\r\n';

function base64Lines(der: Uint8Array): string {
  return (encodeBase64(der).match(/.{1,76}/g) ?? []).join(CRLF);
}

/** A multipart/signed entity (RFC 1847 §2.1, RFC 8551 §3.5.3) around the given parts. */
export function multipartSignedEntity(firstPart: string, signatureDer: Uint8Array): string {
  return (
    'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; ' +
    `micalg=sha-256; boundary="sig"${CRLF}${CRLF}` +
    `--sig${CRLF}${firstPart}${CRLF}--sig${CRLF}` +
    `Content-Type: application/pkcs7-signature; name=smime.p7s${CRLF}` +
    `Content-Transfer-Encoding: base64${CRLF}${CRLF}${base64Lines(signatureDer)}${CRLF}--sig--${CRLF}`
  );
}

export function multipartSigned(firstPart: string, signatureDer: Uint8Array): Uint8Array {
  return new TextEncoder().encode(HEADERS + multipartSignedEntity(firstPart, signatureDer));
}

/** An opaque signed message: application/pkcs7-mime; smime-type=signed-data (RFC 8551 §3.5.2). */
export function opaqueSigned(der: Uint8Array): Uint8Array {
  const { messageHeaders } = splitMessage(new TextEncoder().encode(`${HEADERS}${CRLF}`));
  return joinMessage(messageHeaders, pkcs7MimeEntity('signed-data', der));
}

/** The given inner entity (e.g. a hostile multipart/signed), encrypted to `recipient`. */
export async function encryptedAround(inner: string, recipient: Party): Promise<Uint8Array> {
  const der = await encryptCms(new TextEncoder().encode(inner), [recipient.certificate]);
  const { messageHeaders } = splitMessage(new TextEncoder().encode(`${HEADERS}${CRLF}`));
  return joinMessage(messageHeaders, pkcs7MimeEntity('authEnveloped-data', der));
}

/**
 * The encapsulated content of an opaque SignedData (RFC 5652 §5.2 eContent), read without
 * verifying anything: what `inspect` looks at to see the signed entity's hp= parameter
 * (RFC 9788 §2.1.1) when the signature is application/pkcs7-mime; smime-type=signed-data.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes.js';
import { OID } from '../oids.js';

/** An OCTET STRING's bytes, also when BER splits it into constructed pieces. */
function octets(value: asn1js.OctetString): Uint8Array {
  if (!value.valueBlock.isConstructed) return value.valueBlock.valueHexView;
  const pieces = value.valueBlock.value.map((piece) => octets(piece as asn1js.OctetString));
  const joined = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}

/**
 * The eContent of a SignedData ContentInfo, or null when it has none (a detached signature).
 * Nothing is verified: the bytes are only for describing. Throws a plain Error when the input
 * is not a SignedData.
 */
export function signedDataContent(der: Uint8Array): Uint8Array | null {
  const asn1 = asn1js.fromBER(toArrayBuffer(der));
  if (asn1.offset === -1) throw new Error('not DER/BER');
  const info = new pkijs.ContentInfo({ schema: asn1.result });
  if (info.contentType !== OID.signedData) {
    throw new Error(`content type ${info.contentType} is not SignedData`);
  }
  const signed = new pkijs.SignedData({ schema: info.content });
  const eContent = signed.encapContentInfo.eContent;
  return eContent ? octets(eContent) : null;
}

/** Matching a recipient identifier (RFC 5652 §6.2.1: issuerAndSerialNumber or subjectKeyIdentifier) to a certificate. */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual } from '../bytes.js';
import type { SmimeCertificate } from '../certificate.js';

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

function subjectKeyIdentifier(cert: SmimeCertificate): Uint8Array | undefined {
  const ext = cert.pkijs.extensions?.find((e) => e.extnID === SUBJECT_KEY_IDENTIFIER);
  return ext?.parsedValue instanceof asn1js.OctetString
    ? ext.parsedValue.valueBlock.valueHexView
    : undefined;
}

export function issuerAndSerialOf(cert: SmimeCertificate): pkijs.IssuerAndSerialNumber {
  return new pkijs.IssuerAndSerialNumber({
    issuer: cert.pkijs.issuer,
    serialNumber: cert.pkijs.serialNumber,
  });
}

const issuerAndSerialCache = new WeakMap<SmimeCertificate, Uint8Array>();

export function issuerAndSerialDer(cert: SmimeCertificate): Uint8Array {
  let der = issuerAndSerialCache.get(cert);
  if (!der) {
    der = new Uint8Array(issuerAndSerialOf(cert).toSchema().toBER());
    issuerAndSerialCache.set(cert, der);
  }
  return der;
}

/** `rid` is an IssuerAndSerialNumber or a subjectKeyIdentifier OCTET STRING. */
export function identifiesCertificate(rid: unknown, cert: SmimeCertificate): boolean {
  if (rid instanceof pkijs.IssuerAndSerialNumber) {
    return (
      rid.issuer.isEqual(cert.pkijs.issuer) &&
      bytesEqual(
        rid.serialNumber.valueBlock.valueHexView,
        cert.pkijs.serialNumber.valueBlock.valueHexView,
      )
    );
  }
  if (rid instanceof asn1js.OctetString) {
    const ski = subjectKeyIdentifier(cert);
    return ski !== undefined && bytesEqual(rid.valueBlock.valueHexView, ski);
  }
  return false;
}

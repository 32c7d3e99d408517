/** X.509 certificates (RFC 5280) for S/MIME (RFC 8550): reading PEM/DER, names, export. */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesToHex, bytesToLatin1, toArrayBuffer } from './bytes.js';
import { CURVE_BY_OID, OID } from './oids.js';
import { looksLikePem, readPemBlocks, writePem } from './pem.js';

/** A parsed certificate; `der` is the exact encoding, `pkijs` the parsed structure. */
export interface SmimeCertificate {
  readonly der: Uint8Array;
  readonly subject: string;
  readonly issuer: string;
  /** Serial number, lower-case hex. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** rfc822Name entries of subjectAltName, then the subject's emailAddress attributes. */
  readonly addresses: readonly string[];
  readonly publicKey: PublicKeyInfo;
  readonly pkijs: pkijs.Certificate;
}

export type PublicKeyInfo =
  | { readonly type: 'rsa'; readonly bits: number }
  | { readonly type: 'ec'; readonly curve: 'P-256' | 'P-384' | 'P-521' | undefined }
  /** RFC 8410 keys: Ed25519 signs (RFC 8419), X25519 agrees keys (RFC 8418). */
  | { readonly type: 'ed25519' }
  | { readonly type: 'x25519' }
  | { readonly type: 'other'; readonly algorithm: string };

const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  [OID.emailAddress]: 'E',
};

/** A readable one-line form of a distinguished name, most significant RDN first. */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const value = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
      return `${NAME_ATTRIBUTES[tv.type] ?? tv.type}=${typeof value === 'string' ? value : '?'}`;
    })
    .join(', ');
}

function publicKeyInfo(cert: pkijs.Certificate): PublicKeyInfo {
  const spki = cert.subjectPublicKeyInfo;
  const algorithm = spki.algorithm.algorithmId;
  if (algorithm === OID.rsaEncryption) {
    const parsed = asn1js.fromBER(spki.subjectPublicKey.valueBlock.valueHexView);
    const modulus = new pkijs.RSAPublicKey({ schema: parsed.result }).modulus.valueBlock
      .valueHexView;
    let start = 0;
    while (start < modulus.length && modulus[start] === 0) start++;
    const first = modulus[start] ?? 0;
    const bits =
      (modulus.length - start - 1) * 8 + (first === 0 ? 0 : Math.floor(Math.log2(first)) + 1);
    return { type: 'rsa', bits };
  }
  if (algorithm === OID.ecPublicKey) {
    const params = spki.algorithm.algorithmParams;
    const curveOid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : '';
    return { type: 'ec', curve: CURVE_BY_OID[curveOid] };
  }
  if (algorithm === OID.ed25519) return { type: 'ed25519' };
  if (algorithm === OID.x25519) return { type: 'x25519' };
  return { type: 'other', algorithm };
}

function certificateAddresses(cert: pkijs.Certificate): string[] {
  const addresses: string[] = [];
  for (const ext of cert.extensions ?? []) {
    if (ext.extnID !== OID.subjectAltName || !(ext.parsedValue instanceof pkijs.AltName)) continue;
    for (const name of ext.parsedValue.altNames) {
      if (name.type === 1 && typeof name.value === 'string') addresses.push(name.value);
    }
  }
  for (const tv of cert.subject.typesAndValues) {
    const value = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
    if (tv.type === OID.emailAddress && typeof value === 'string') addresses.push(value);
  }
  return addresses;
}

/** Wraps a parsed pkijs certificate (DER re-encoded only if the original bytes are absent). */
export function fromPkijsCertificate(cert: pkijs.Certificate, der?: Uint8Array): SmimeCertificate {
  const bytes = der ?? new Uint8Array(cert.toSchema().toBER());
  return {
    der: bytes,
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    serialNumber: bytesToHex(cert.serialNumber.valueBlock.valueHexView),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    addresses: certificateAddresses(cert),
    publicKey: publicKeyInfo(cert),
    pkijs: cert,
  };
}

/** Parses one DER certificate; ECERT_PARSE if it is not one. */
export function parseCertificateDer(der: Uint8Array): SmimeCertificate {
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(der));
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    return fromPkijsCertificate(new pkijs.Certificate({ schema: asn1.result }), der.slice());
  } catch (cause) {
    throw new SealpostError('ECERT_PARSE', 'The data is not an X.509 certificate (DER).', {
      cause,
    });
  }
}

/**
 * Reads certificates from PEM (any number of "CERTIFICATE" blocks) or one DER certificate.
 * Text input is treated as PEM.
 */
export function readCertificates(input: Uint8Array | string): SmimeCertificate[] {
  const text =
    typeof input === 'string' ? input : looksLikePem(input) ? bytesToLatin1(input) : undefined;
  if (text === undefined) return [parseCertificateDer(input as Uint8Array)];
  const blocks = readPemBlocks(text).filter(
    (b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE',
  );
  if (blocks.length === 0) {
    throw new SealpostError(
      'ECERT_PARSE',
      `No PEM "CERTIFICATE" block found in ${quoteUntrusted(text.slice(0, 40))}.`,
    );
  }
  return blocks.map((b) => parseCertificateDer(b.der));
}

/** Reads exactly one certificate (the first one when a PEM file holds a chain). */
export function readCertificate(input: Uint8Array | string): SmimeCertificate {
  return readCertificates(input)[0]!;
}

/** PEM text of one or more certificates, in the order given. */
export function exportCertificatePem(
  certs: SmimeCertificate | readonly SmimeCertificate[],
): string {
  const list = Array.isArray(certs) ? certs : [certs as SmimeCertificate];
  return list.map((c) => writePem('CERTIFICATE', c.der)).join('');
}

/** SHA-256 fingerprint of the DER encoding, lower-case hex. */
export async function certificateFingerprint(
  cert: SmimeCertificate,
  crypto: Crypto = globalThis.crypto,
): Promise<string> {
  return bytesToHex(
    new Uint8Array(await crypto.subtle.digest('SHA-256', cert.der as BufferSource)),
  );
}

export function sameCertificate(a: SmimeCertificate, b: SmimeCertificate): boolean {
  if (a.der.length !== b.der.length) return false;
  for (let i = 0; i < a.der.length; i++) if (a.der[i] !== b.der[i]) return false;
  return true;
}

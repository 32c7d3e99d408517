/**
 * Certificate checks for S/MIME (RFC 8550 §4 and RFC 5280 §6): the chain to a trust anchor,
 * validity dates, key usage and the emailProtection EKU, the address, and key strength.
 * Each failure has its own error code, so callers and reports can say exactly what is wrong.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SmimeCertificate } from './certificate.js';
import { fromPkijsCertificate } from './certificate.js';
import { cryptoEngine } from './engine.js';
import { OID } from './oids.js';

export type CertificatePurpose = 'encrypt' | 'sign';

export interface CheckCertificateOptions {
  readonly purpose: CertificatePurpose;
  /** The address the certificate must name (SAN rfc822Name or subject emailAddress). */
  readonly address?: string;
  /** Trusted CA certificates. Chain validation is always on unless `checkChain` is false. */
  readonly trustAnchors: readonly SmimeCertificate[];
  /** Untrusted intermediates that may complete the chain (e.g. from a SignedData). */
  readonly intermediates?: readonly SmimeCertificate[];
  /** The time to check at; default now. */
  readonly now?: Date;
  /** Turning this off is for tests of the other checks only; never for real mail. */
  readonly checkChain?: boolean;
  readonly crypto?: Crypto;
}

export interface CertificateCheck {
  /** Leaf first, trust anchor last. */
  readonly chain: readonly SmimeCertificate[];
}

// KeyUsage bits (RFC 5280 §4.2.1.3), as the first octet of the BIT STRING.
const DIGITAL_SIGNATURE = 0x80;
const NON_REPUDIATION = 0x40;
const KEY_ENCIPHERMENT = 0x20;
const KEY_AGREEMENT = 0x08;

function extension(cert: SmimeCertificate, oid: string): pkijs.Extension | undefined {
  return cert.pkijs.extensions?.find((e) => e.extnID === oid);
}

function checkStrength(cert: SmimeCertificate): void {
  const key = cert.publicKey;
  if (key.type === 'rsa' && key.bits >= 2048) return;
  if (key.type === 'ec' && key.curve !== undefined) return;
  if (key.type === 'ed25519' || key.type === 'x25519') return;
  const what =
    key.type === 'rsa'
      ? `RSA ${key.bits} bits`
      : key.type === 'ec'
        ? 'EC on an unsupported curve'
        : `algorithm ${key.algorithm}`;
  throw new SealpostError(
    'ESMIME_CERT_WEAK',
    `The certificate for ${cert.subject} has a key that is too weak or unsupported (${what}).`,
    { details: { subject: cert.subject } },
  );
}

function checkDates(cert: SmimeCertificate, now: Date): void {
  if (now.getTime() < cert.notBefore.getTime()) {
    throw new SealpostError(
      'ESMIME_CERT_NOT_YET_VALID',
      `The certificate for ${cert.subject} is valid only from ${cert.notBefore.toISOString()}.`,
      { details: { subject: cert.subject, notBefore: cert.notBefore.toISOString() } },
    );
  }
  if (now.getTime() > cert.notAfter.getTime()) {
    throw new SealpostError(
      'ESMIME_CERT_EXPIRED',
      `The certificate for ${cert.subject} expired on ${cert.notAfter.toISOString()}.`,
      { details: { subject: cert.subject, notAfter: cert.notAfter.toISOString() } },
    );
  }
}

function checkUsage(cert: SmimeCertificate, purpose: CertificatePurpose): void {
  // RFC 8410 keys do one thing: Ed25519 only signs, X25519 only agrees keys.
  const type = cert.publicKey.type;
  if ((purpose === 'encrypt' && type === 'ed25519') || (purpose === 'sign' && type === 'x25519')) {
    throw new SealpostError(
      'ESMIME_CERT_USAGE',
      `The certificate for ${cert.subject} has an ${type === 'ed25519' ? 'Ed25519' : 'X25519'} key, which cannot ${purpose}.`,
      { details: { subject: cert.subject, purpose } },
    );
  }
  const usage = extension(cert, OID.keyUsage);
  if (usage) {
    const bits = usage.parsedValue instanceof asn1js.BitString ? usage.parsedValue : undefined;
    const first = bits?.valueBlock.valueHexView[0] ?? 0;
    const needed =
      purpose === 'sign'
        ? DIGITAL_SIGNATURE | NON_REPUDIATION
        : cert.publicKey.type === 'ec' || cert.publicKey.type === 'x25519'
          ? KEY_AGREEMENT
          : KEY_ENCIPHERMENT;
    if ((first & needed) === 0) {
      throw new SealpostError(
        'ESMIME_CERT_USAGE',
        `The certificate for ${cert.subject} may not be used to ${purpose} (keyUsage).`,
        { details: { subject: cert.subject, purpose } },
      );
    }
  }
  // RFC 8550 §4.4.4: if the EKU extension is present it must allow e-mail protection.
  const eku = extension(cert, OID.extKeyUsage);
  if (eku) {
    const purposes =
      eku.parsedValue instanceof pkijs.ExtKeyUsage ? eku.parsedValue.keyPurposes : [];
    if (!purposes.includes(OID.emailProtection) && !purposes.includes(OID.anyExtendedKeyUsage)) {
      throw new SealpostError(
        'ESMIME_CERT_USAGE',
        `The certificate for ${cert.subject} is not issued for e-mail protection (extendedKeyUsage).`,
        { details: { subject: cert.subject, purpose } },
      );
    }
  }
}

/** True if the certificate names the address (case-insensitive, RFC 8550 §3). */
export function certificateHasAddress(cert: SmimeCertificate, address: string): boolean {
  const wanted = address.toLowerCase();
  return cert.addresses.some((a) => a.toLowerCase() === wanted);
}

function checkAddress(cert: SmimeCertificate, address: string): void {
  if (certificateHasAddress(cert, address)) return;
  throw new SealpostError(
    'ESMIME_CERT_ADDRESS',
    `The certificate for ${cert.subject} does not name ${quoteUntrusted(address)}.`,
    { details: { subject: cert.subject, addresses: [...cert.addresses] } },
  );
}

async function validateChain(
  cert: SmimeCertificate,
  options: CheckCertificateOptions,
  now: Date,
): Promise<SmimeCertificate[]> {
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: options.trustAnchors.map((c) => c.pkijs),
    // pkijs validates the LAST certificate of `certs` as the leaf: the leaf must come last,
    // or an unrelated trusted certificate among the intermediates would be validated instead.
    certs: [...(options.intermediates ?? []).map((c) => c.pkijs), cert.pkijs],
    checkDate: now,
  });
  let result: pkijs.CertificateChainValidationEngineVerifyResult;
  try {
    result = await engine.verify({}, cryptoEngine(options.crypto));
  } catch (cause) {
    result = { result: false, resultCode: -1, resultMessage: String(cause) };
  }
  if (!result.result) {
    const message = result.resultMessage ?? '';
    // The chain engine checks every certificate's dates; report an expired CA as expired.
    const code = /expired|validity/i.test(message)
      ? 'ESMIME_CERT_EXPIRED'
      : 'ESMIME_CERT_UNTRUSTED';
    throw new SealpostError(
      code,
      `The certificate for ${cert.subject} does not chain to a trusted anchor (${message || 'no path'}).`,
      { details: { subject: cert.subject, issuer: cert.issuer, reason: message } },
    );
  }
  return (result.certificatePath ?? []).map((c) => fromPkijsCertificate(c));
}

/**
 * Checks that a certificate may be used for S/MIME `purpose` with `address`. Throws a
 * SealpostError with a specific code on the first failure; returns the validated chain.
 */
export async function checkCertificate(
  cert: SmimeCertificate,
  options: CheckCertificateOptions,
): Promise<CertificateCheck> {
  const now = options.now ?? new Date();
  checkStrength(cert);
  checkDates(cert, now);
  checkUsage(cert, options.purpose);
  if (options.address !== undefined) checkAddress(cert, options.address);
  if (options.checkChain === false) return { chain: [cert] };
  return { chain: await validateChain(cert, options, now) };
}

/** Telling CA certificates from end-entity ones (RFC 5280 §4.2.1.9 basicConstraints). */
import type * as Smime from '@sealpost/smime';

const BASIC_CONSTRAINTS = '2.5.29.19';

/** True for a CA certificate (basicConstraints cA): chain material, never a recipient. */
export function isCaCertificate(cert: Smime.SmimeCertificate): boolean {
  const ext = cert.pkijs.extensions?.find((e) => e.extnID === BASIC_CONSTRAINTS);
  return (ext?.parsedValue as { cA?: boolean } | undefined)?.cA === true;
}

/** End-entity certificates first: a PEM bundle or PKCS#12 file often carries the CA too. */
export function leafFirst(certs: readonly Smime.SmimeCertificate[]): Smime.SmimeCertificate[] {
  return [...certs.filter((c) => !isCaCertificate(c)), ...certs.filter(isCaCertificate)];
}

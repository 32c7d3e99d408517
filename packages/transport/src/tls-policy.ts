/**
 * The TLS settings every connection uses: TLS ≥ 1.2 (RFC 8996, RFC 8997), chain and host name
 * verified (RFC 8314 §5.3, RFC 6125), an optional SHA-256 pin on top.
 */
import { isIP } from 'node:net';
import { type ConnectionOptions, checkServerIdentity, type PeerCertificate } from 'node:tls';
import { normaliseFingerprint } from './report.js';

export interface TlsTrustOptions {
  /** Trusted CA certificates (PEM). Default: Node's bundled root store. */
  readonly ca?: string | readonly string[];
  /**
   * SHA-256 fingerprint(s) of the server certificate (hex, colons allowed). Checked in addition
   * to the chain: a pin never replaces validation. To trust a self-signed server, pass its
   * certificate as `ca`.
   */
  readonly pin?: string | readonly string[];
  /** Name to verify and send as SNI when connecting by IP address or through a tunnel. */
  readonly servername?: string;
}

/** Error code Node reports for our pin check, mapped to ECERT_PIN. */
export const PIN_MISMATCH = 'SEALPOST_CERT_PIN_MISMATCH';

export function tlsConnectionOptions(host: string, trust: TlsTrustOptions): ConnectionOptions {
  const pins = trust.pin === undefined ? [] : [trust.pin].flat().map(normaliseFingerprint);
  const name = trust.servername ?? host;
  const options: ConnectionOptions = {
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
    checkServerIdentity(hostname: string, cert: PeerCertificate) {
      const hostError = checkServerIdentity(hostname, cert);
      if (hostError) return hostError;
      if (pins.length > 0 && !pins.includes(normaliseFingerprint(cert.fingerprint256))) {
        const err = new Error(
          `certificate SHA-256 ${normaliseFingerprint(cert.fingerprint256)} matches no pin`,
        ) as Error & { code: string };
        err.code = PIN_MISMATCH;
        return err;
      }
      return undefined;
    },
  };
  // SNI must not carry an IP address (RFC 6066 §3); Node then verifies against IP SANs.
  // Without a servername Node verifies against `host`, which covers IP addresses (IP SANs).
  if (isIP(name) === 0) options.servername = name;
  if (trust.ca !== undefined) options.ca = [trust.ca].flat();
  return options;
}

export function hasPins(trust: TlsTrustOptions): boolean {
  return trust.pin !== undefined && [trust.pin].flat().length > 0;
}

/**
 * What `certs list|import|check` say about an X.509 certificate (RFC 5280 §4.1): fingerprint,
 * subject, issuer, addresses (RFC 8550 §3), validity, role in the store, and check results.
 */
import type { CertStoreEntry } from '@sealpost/keystore';

export interface CertInfo {
  /** SHA-256 of the DER encoding, lower-case hex. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly issuer: string;
  readonly addresses: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly role: 'anchor' | 'certificate';
  readonly source: CertStoreEntry['source'];
}

export function certInfo(entry: CertStoreEntry): CertInfo {
  return {
    fingerprint: entry.fingerprint,
    subject: entry.subject,
    issuer: entry.issuer,
    addresses: entry.emails,
    notBefore: entry.notBefore,
    notAfter: entry.notAfter,
    role: entry.role,
    source: entry.source,
  };
}

export function renderCertInfo(
  info: CertInfo,
  paint: { bold(s: string): string; dim(s: string): string; red(s: string): string },
  now: Date = new Date(),
): string {
  const expired = new Date(info.notAfter).getTime() < now.getTime();
  const role = info.role === 'anchor' ? paint.bold('trust anchor') : 'certificate';
  return [
    `${info.fingerprint}  ${role}${expired ? paint.red(' (expired)') : ''}`,
    `  subject ${info.subject}`,
    `  issuer  ${info.issuer}`,
    `  ${info.addresses.join(', ') || paint.dim('(no e-mail address)')}`,
    `  valid ${info.notBefore.slice(0, 10)} to ${info.notAfter.slice(0, 10)}`,
  ].join('\n');
}

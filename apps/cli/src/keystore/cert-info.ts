/**
 * What `certs list|import|check` say about an X.509 certificate (RFC 5280 §4.1): fingerprint,
 * subject, issuer, addresses (RFC 8550 §3), validity, role in the store, and check results.
 */
import type { CertCheckRow, CertStoreEntry } from '@sealpost/keystore';
import { wrap } from '../text/layout.js';

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
  paint: {
    bold(s: string): string;
    dim(s: string): string;
    red(s: string): string;
    readonly width?: number;
  },
  now: Date = new Date(),
): string {
  const width = paint.width ?? 80;
  const expired = new Date(info.notAfter).getTime() < now.getTime();
  const plainRole = `${info.role === 'anchor' ? 'trust anchor' : 'certificate'}${expired ? ' (expired)' : ''}`;
  const role = `${info.role === 'anchor' ? paint.bold('trust anchor') : 'certificate'}${expired ? paint.red(' (expired)') : ''}`;
  // A SHA-256 fingerprint is 64 digits: the role goes below it when both do not fit.
  const head =
    info.fingerprint.length + 2 + plainRole.length <= width
      ? [`${info.fingerprint}  ${role}`]
      : [info.fingerprint, `  ${role}`];
  return [
    ...head,
    `  subject ${wrap(info.subject, width - 10, ' '.repeat(10))}`,
    `  issuer  ${wrap(info.issuer, width - 10, ' '.repeat(10))}`,
    `  ${info.addresses.length ? wrap(info.addresses.join(', '), width - 4, '    ') : paint.dim('(no e-mail address)')}`,
    `  valid ${info.notBefore.slice(0, 10)} to ${info.notAfter.slice(0, 10)}`,
  ].join('\n');
}

/** One `certs check` result: the certificate, whether it may be used, its chain or the reason. */
export function renderCheckRow(
  row: CertCheckRow,
  purpose: string,
  paint: { green(s: string): string; red(s: string): string; readonly width: number },
): string {
  const width = paint.width;
  const verdict = row.ok ? paint.green(`usable to ${purpose}`) : paint.red(`refused: ${row.code}`);
  const lines = [
    row.fingerprint,
    `  ${verdict} (${row.from})`,
    `  ${wrap(row.subject, width - 2, '  ')}`,
  ];
  if (row.ok) {
    const chain = row.chain.map((c) => c.subject).join('  ->  ');
    const line = `  chain: ${chain}`;
    // Too wide for one line: one link a line, each issuer under its subject.
    const links = row.chain.map((c, i) => `${i === 0 ? '  chain: ' : '     ->  '}${c.subject}`);
    lines.push(line.length <= width ? line : links.join('\n'));
  } else {
    lines.push(`  ${wrap(row.message ?? '', width - 2, '  ')}`);
  }
  return lines.join('\n');
}

/** The msmtp configuration the benchmarks' peers use to send through a testkit Postfix. */
import { writeFileSync } from 'node:fs';
import type { PostfixInstance } from '@sealpost/testkit';

/** Writes an msmtprc (mode 0600) for `postfix`'s STARTTLS port with AUTH, trusting `caFile`. */
export function writeMsmtpRc(path: string, postfix: PostfixInstance, caFile: string): void {
  writeFileSync(
    path,
    [
      'defaults',
      'tls on',
      'tls_starttls on',
      `tls_trust_file ${caFile}`,
      'auth on',
      'account bench',
      `host ${postfix.host}`,
      `port ${postfix.startTlsPort}`,
      'from me@example.net',
      `user ${postfix.user}`,
      `password ${postfix.password}`,
      'account default : bench',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

/** The msmtp configuration the benchmarks' peers send with (`msmtp -C FILE`). */
import { writeFileSync } from 'node:fs';

export interface MsmtpAccount {
  readonly host: string;
  readonly port: number;
  /** The CA the server's certificate must chain to (STARTTLS, verified). */
  readonly caFile: string;
  readonly from: string;
  /** SASL credentials; none: `auth off`. */
  readonly auth?: { readonly user: string; readonly password: string };
  /** More msmtp lines for the account. */
  readonly extra?: readonly string[];
}

/** Writes an msmtprc (mode 0600) whose default account is `account`. */
export function writeMsmtpRc(path: string, account: MsmtpAccount): void {
  const auth = account.auth
    ? ['auth on', `user ${account.auth.user}`, `password ${account.auth.password}`]
    : ['auth off'];
  writeFileSync(
    path,
    [
      'defaults',
      'tls on',
      'tls_starttls on',
      `tls_trust_file ${account.caFile}`,
      ...(account.extra ?? []),
      'account bench',
      `host ${account.host}`,
      `port ${account.port}`,
      `from ${account.from}`,
      ...auth,
      'account default : bench',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

/**
 * The exit status of `sealpost sendmail`: BSD sysexits.h values, which cron, mailx and MTAs
 * that pipe into a sendmail program read (Postfix's pipe(8) and sendmail(8) both map them:
 * 75 means try again later, the other 6x/7x values bounce). `sealpost` itself keeps its own
 * small table (docs/cli.md); only the sendmail entry point speaks this one.
 */
import { ERROR_CODES, isAmbiguous, isTransient, type SealpostError } from '@sealpost/errors';

/** sysexits.h (4.3BSD): the values this command returns. */
export const SYSEXITS = {
  OK: 0,
  USAGE: 64,
  DATAERR: 65,
  NOUSER: 67,
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  IOERR: 74,
  TEMPFAIL: 75,
  NOPERM: 77,
  CONFIG: 78,
} as const;

/** The sysexits value for an error `sendmail` ends with. */
export function sysexitFor(error: SealpostError): number {
  const code = error.code;
  if (code === 'EUSAGE') return SYSEXITS.USAGE;
  if (code === 'ECONFIG' || code === 'ETLS_MODE_UNKNOWN' || code === 'ENOTRANSPORT')
    return SYSEXITS.CONFIG;
  if (code === 'EIO') return SYSEXITS.IOERR;
  if (code === 'EAUTH' || code === 'EAUTH_UNSUPPORTED') return SYSEXITS.NOPERM;
  // A rejected recipient is the server's "no such user" (RFC 5321 §4.2.2: 550, 553).
  if (code === 'ERECIPIENT' && !isTransient(error)) return SYSEXITS.NOUSER;
  // Maybe delivered: a caller that retries may deliver twice, one that drops may lose it; 75
  // keeps the message (cron and mailx report it, an MTA queues it), which we prefer to loss.
  if (isAmbiguous(error) || isTransient(error)) return SYSEXITS.TEMPFAIL;
  switch (ERROR_CODES[code].category) {
    case 'input':
      return SYSEXITS.DATAERR;
    case 'usage':
      return SYSEXITS.USAGE;
    case 'internal':
      return SYSEXITS.SOFTWARE;
    case 'crypto':
      // Keys, passphrases and certificates are the sender's configuration.
      return SYSEXITS.CONFIG;
    default:
      // Policy refusals (no key under --policy require) and permanent transport failures.
      return SYSEXITS.UNAVAILABLE;
  }
}

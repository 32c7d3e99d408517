/** Maps `--encrypt`, `--policy` and `--sign` to a pipeline SendPolicy. */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { SendPolicy } from '@sealpost/pipeline';

export function policyFromFlags(flags: {
  encrypt?: string;
  policy?: string;
  sign?: string;
}): SendPolicy {
  const encrypt = flags.encrypt ?? 'auto';
  if (!['pgp', 'smime', 'auto', 'none'].includes(encrypt))
    throw new SealpostError(
      'EUSAGE',
      `--encrypt must be pgp, smime, auto or none, not ${quoteUntrusted(encrypt)}.`,
    );
  if (flags.policy !== undefined && !['require', 'prefer'].includes(flags.policy))
    throw new SealpostError(
      'EUSAGE',
      `--policy must be require or prefer, not ${quoteUntrusted(flags.policy)}.`,
    );
  const sign = flags.sign ?? 'none';
  if (!['pgp', 'smime', 'none'].includes(sign))
    throw new SealpostError(
      'EUSAGE',
      `--sign must be pgp, smime or none, not ${quoteUntrusted(sign)}.`,
    );
  if (encrypt === 'none' && flags.policy === 'require')
    throw new SealpostError('EUSAGE', '--encrypt none and --policy require contradict each other.');
  // Asking for a scheme by name means "encrypt, or do not send" unless --policy prefer says otherwise;
  // "auto" encrypts where a key exists and says so where none does.
  const requirement =
    encrypt === 'none' ? 'never' : (flags.policy ?? (encrypt === 'auto' ? 'prefer' : 'require'));
  return {
    encrypt: requirement as SendPolicy['encrypt'],
    scheme: encrypt === 'none' ? 'auto' : (encrypt as SendPolicy['scheme']),
    sign: sign as SendPolicy['sign'],
    headerProtection: true,
  };
}

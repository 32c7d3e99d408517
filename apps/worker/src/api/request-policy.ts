/**
 * A request's `encrypt`, `sign` and `policy` (JSON fields or query parameters) as a pipeline
 * SendPolicy, with the config's values as defaults — the same meaning as the CLI's flags.
 */
import type { SealpostConfig } from '@sealpost/config';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { SendPolicy } from '@sealpost/pipeline';

export interface PolicyFields {
  readonly encrypt?: unknown;
  readonly sign?: unknown;
  readonly policy?: unknown;
}

function oneOf(name: string, value: unknown, allowed: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value))
    throw new SealpostError(
      'EUSAGE',
      `"${name}" must be one of ${allowed.join(', ')}, not ${quoteUntrusted(String(value))}.`,
    );
  return value;
}

export function requestPolicy(fields: PolicyFields, config: SealpostConfig): SendPolicy {
  const encrypt =
    oneOf('encrypt', fields.encrypt, ['pgp', 'smime', 'auto', 'none']) ?? config.encrypt ?? 'auto';
  const policy = oneOf('policy', fields.policy, ['require', 'prefer']) ?? config.policy;
  const sign = oneOf('sign', fields.sign, ['pgp', 'smime', 'none']) ?? config.sign ?? 'none';
  if (encrypt === 'none' && policy === 'require')
    throw new SealpostError(
      'EUSAGE',
      '"encrypt": "none" and "policy": "require" contradict each other.',
    );
  // A scheme asked for by name means "encrypt or do not send" unless policy says prefer.
  const requirement =
    encrypt === 'none' ? 'never' : (policy ?? (encrypt === 'auto' ? 'prefer' : 'require'));
  return {
    encrypt: requirement as SendPolicy['encrypt'],
    scheme: encrypt === 'none' ? 'auto' : (encrypt as SendPolicy['scheme']),
    sign: sign as SendPolicy['sign'],
    headerProtection: true,
  };
}

/**
 * The three choices a user makes about protection — which scheme (`encrypt`), whether to sign
 * (`sign`), and what a missing key does (`policy`) — as a SendPolicy. The CLI's flags and the
 * worker's request fields mean the same thing, so both come through here.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { SendPolicy } from './policy.js';

export interface PolicyChoices {
  /** pgp | smime | auto | none (default auto: encrypt where a key exists). */
  readonly encrypt?: unknown;
  /** pgp | smime | none (default none). */
  readonly sign?: unknown;
  /** require | prefer (default: require for a named scheme, prefer for auto). */
  readonly policy?: unknown;
}

/** How a choice is named in an error: `--encrypt` for a flag, `"encrypt"` for a JSON field. */
export type ChoiceName = (choice: 'encrypt' | 'sign' | 'policy') => string;

const ALLOWED = {
  encrypt: ['pgp', 'smime', 'auto', 'none'],
  sign: ['pgp', 'smime', 'none'],
  policy: ['require', 'prefer'],
} as const;

function pick<K extends keyof typeof ALLOWED>(
  choice: K,
  value: unknown,
  nameOf: ChoiceName,
): (typeof ALLOWED)[K][number] | undefined {
  if (value === undefined) return undefined;
  const allowed: readonly string[] = ALLOWED[choice];
  if (typeof value !== 'string' || !allowed.includes(value)) {
    const list = `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
    throw new SealpostError(
      'EUSAGE',
      `${nameOf(choice)} must be ${list}, not ${quoteUntrusted(String(value))}.`,
    );
  }
  return value as (typeof ALLOWED)[K][number];
}

export function policyFromChoices(
  choices: PolicyChoices,
  nameOf: ChoiceName = (choice) => `--${choice}`,
): SendPolicy {
  const encrypt = pick('encrypt', choices.encrypt, nameOf) ?? 'auto';
  const policy = pick('policy', choices.policy, nameOf);
  const sign = pick('sign', choices.sign, nameOf) ?? 'none';
  if (encrypt === 'none' && policy === 'require')
    throw new SealpostError(
      'EUSAGE',
      `${nameOf('encrypt')} none and ${nameOf('policy')} require contradict each other.`,
    );
  // Asking for a scheme by name means "encrypt, or do not send" unless the policy says prefer;
  // "auto" encrypts where a key exists and says so where none does.
  const requirement =
    encrypt === 'none' ? 'never' : (policy ?? (encrypt === 'auto' ? 'prefer' : 'require'));
  return {
    encrypt: requirement,
    scheme: encrypt === 'none' ? 'auto' : encrypt,
    sign,
    headerProtection: true,
  };
}

/**
 * Per-recipient encryption policy. A rule matches an address exactly, a whole domain
 * ("@example.org"), or everyone ("*"); the most specific matching rule wins, then the
 * policy's defaults apply.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

/** How an end-to-end scheme is chosen when encrypting. `auto` prefers OpenPGP, then S/MIME. */
export type SchemePreference = 'pgp' | 'smime' | 'auto';

/**
 * `require`: no usable key → the whole send is refused, nothing goes out (fail closed).
 * `prefer`: encrypt when a usable key exists, else send protected by transport TLS only, and say so.
 * `never`: transport TLS only.
 */
export type EncryptionRequirement = 'require' | 'prefer' | 'never';

export interface RecipientRule {
  /** "user@example.org", "@example.org" or "*". */
  readonly match: string;
  readonly encrypt?: EncryptionRequirement;
  readonly scheme?: SchemePreference;
}

export interface SendPolicy {
  readonly encrypt: EncryptionRequirement;
  readonly scheme: SchemePreference;
  /** Which signature the sender adds, when it has a key for it. */
  readonly sign: 'pgp' | 'smime' | 'none';
  readonly rules?: readonly RecipientRule[];
  /** RFC 9788 header protection on end-to-end messages (default true: Subject becomes "[...]" outside). */
  readonly headerProtection?: boolean;
  /**
   * Also encrypt every encrypted copy to the sender's own key (the From address), so the sender
   * can read what was sent. Each Bcc copy stays separate: the sender's key adds nobody's name.
   */
  readonly encryptToSelf?: boolean;
}

export const DEFAULT_POLICY: SendPolicy = Object.freeze({
  encrypt: 'prefer',
  scheme: 'auto',
  sign: 'none',
  headerProtection: true,
});

export interface EffectiveRule {
  readonly encrypt: EncryptionRequirement;
  readonly scheme: SchemePreference;
  /** The rule that decided, for the plan's "why"; "default" when none matched. */
  readonly matchedBy: string;
}

function specificity(match: string): number {
  if (match === '*') return 0;
  if (match.startsWith('@')) return 1;
  return 2;
}

function matches(match: string, address: string): boolean {
  const addr = address.toLowerCase();
  const m = match.toLowerCase();
  if (m === '*') return true;
  if (m.startsWith('@')) return addr.endsWith(m);
  return addr === m;
}

/** Checks a policy once, up front, so a typo in a rule is an error and not a silent default. */
export function validatePolicy(policy: SendPolicy): void {
  const requirements = ['require', 'prefer', 'never'];
  const schemes = ['pgp', 'smime', 'auto'];
  if (!requirements.includes(policy.encrypt))
    throw new SealpostError('ECONFIG', `Unknown encrypt policy ${quoteUntrusted(policy.encrypt)}.`);
  if (!schemes.includes(policy.scheme))
    throw new SealpostError('ECONFIG', `Unknown scheme ${quoteUntrusted(policy.scheme)}.`);
  if (!['pgp', 'smime', 'none'].includes(policy.sign))
    throw new SealpostError('ECONFIG', `Unknown sign option ${quoteUntrusted(policy.sign)}.`);
  for (const rule of policy.rules ?? []) {
    const m = rule.match;
    const shapeOk = m === '*' || /^@[^@\s]+$/.test(m) || /^[^@\s]+@[^@\s]+$/.test(m);
    if (!shapeOk)
      throw new SealpostError(
        'ECONFIG',
        `Policy rule match ${quoteUntrusted(m)} must be an address, "@domain" or "*".`,
      );
    if (rule.encrypt !== undefined && !requirements.includes(rule.encrypt))
      throw new SealpostError('ECONFIG', `Rule ${quoteUntrusted(m)}: unknown encrypt value.`);
    if (rule.scheme !== undefined && !schemes.includes(rule.scheme))
      throw new SealpostError('ECONFIG', `Rule ${quoteUntrusted(m)}: unknown scheme.`);
  }
}

/** The requirement and scheme preference that apply to one recipient address. */
export function ruleFor(policy: SendPolicy, address: string): EffectiveRule {
  let best: RecipientRule | undefined;
  for (const rule of policy.rules ?? []) {
    if (!matches(rule.match, address)) continue;
    if (!best || specificity(rule.match) > specificity(best.match)) best = rule;
  }
  return {
    encrypt: best?.encrypt ?? policy.encrypt,
    scheme: best?.scheme ?? policy.scheme,
    matchedBy: best ? `rule ${best.match}` : 'default policy',
  };
}

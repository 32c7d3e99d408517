/**
 * planSend: the pure decision step (no IO). For every recipient it decides the end-to-end
 * scheme from the policy and the keys at hand, then groups recipients into as few messages
 * as possible — except Bcc recipients, who each get a copy of their own so that nobody else
 * learns of them, neither from headers nor from the key IDs in the ciphertext.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { E2eScheme, KeySet, RecipientKey, SignerKey } from '@sealpost/keystore';
import { type EncryptionRequirement, ruleFor, type SendPolicy, validatePolicy } from './policy.js';

export type Scheme = E2eScheme | 'none';
export type RecipientField = 'to' | 'cc' | 'bcc';

export interface PlanAddress {
  readonly address: string;
  readonly name?: string;
}

/** The parts of a message the plan needs (a compose Message satisfies it). */
export interface PlanInput {
  readonly from: PlanAddress;
  readonly to?: readonly PlanAddress[];
  readonly cc?: readonly PlanAddress[];
  readonly bcc?: readonly PlanAddress[];
}

export interface RecipientDecision {
  readonly address: string;
  readonly field: RecipientField;
  readonly requirement: EncryptionRequirement;
  readonly scheme: Scheme;
  /** The key used, without its material. */
  readonly key?: Omit<RecipientKey, 'material'>;
  /** Plain words: why this recipient gets what it gets. */
  readonly reason: string;
  /** True when the policy forbids sending to this recipient as things are (fail closed). */
  readonly refused: boolean;
}

export interface PlannedMessage {
  readonly scheme: Scheme;
  readonly sign: Scheme;
  readonly signer?: Omit<SignerKey, 'material'>;
  /** RCPT TO for this copy. */
  readonly envelopeTo: readonly string[];
  /** Keys the copy is encrypted to: only this copy's own recipients. */
  readonly encryptTo: readonly RecipientKey[];
  /** A Bcc recipient's private copy. */
  readonly bccCopy: boolean;
  readonly headerProtection: boolean;
  readonly notes: readonly string[];
}

export interface SendPlan {
  readonly from: string;
  readonly decisions: readonly RecipientDecision[];
  readonly messages: readonly PlannedMessage[];
  /** False when any recipient is refused: then nothing may be sent to anyone. */
  readonly sendable: boolean;
}

function stripMaterial<T extends { material: unknown }>(key: T): Omit<T, 'material'> {
  const { material: _material, ...rest } = key;
  return rest;
}

function pickKey(keys: KeySet, address: string, preference: 'pgp' | 'smime' | 'auto') {
  const candidates = keys.recipients.get(address) ?? [];
  const order: E2eScheme[] = preference === 'auto' ? ['pgp', 'smime'] : [preference];
  for (const scheme of order) {
    const found = candidates.find((k) => k.scheme === scheme);
    if (found) return found;
  }
  return undefined;
}

function whyNoKey(keys: KeySet, address: string): string {
  const rejected = keys.rejected?.get(address) ?? [];
  if (rejected.length === 0) return 'no key or certificate was found';
  return rejected
    .map((r) => `${r.scheme} key ${r.fingerprint.slice(-16)} refused: ${r.reason}`)
    .join('; ');
}

function decide(
  policy: SendPolicy,
  keys: KeySet,
  recipient: PlanAddress,
  field: RecipientField,
): { decision: RecipientDecision; key?: RecipientKey } {
  const address = recipient.address.toLowerCase();
  const rule = ruleFor(policy, address);
  const base = { address, field, requirement: rule.encrypt };
  if (rule.encrypt === 'never') {
    return {
      decision: {
        ...base,
        scheme: 'none',
        reason: `transport TLS only (${rule.matchedBy} says never encrypt)`,
        refused: false,
      },
    };
  }
  const key = pickKey(keys, address, rule.scheme);
  if (key) {
    return {
      key,
      decision: {
        ...base,
        scheme: key.scheme,
        key: stripMaterial(key),
        reason: `${key.scheme === 'pgp' ? 'OpenPGP' : 'S/MIME'} key from ${key.source} (${rule.matchedBy}: ${rule.encrypt})`,
        refused: false,
      },
    };
  }
  const missing = whyNoKey(keys, address);
  const wanted =
    rule.scheme === 'auto' ? 'OpenPGP or S/MIME' : rule.scheme === 'pgp' ? 'OpenPGP' : 'S/MIME';
  if (rule.encrypt === 'require') {
    return {
      decision: {
        ...base,
        scheme: 'none',
        reason: `encryption required (${rule.matchedBy}) but no usable ${wanted} key: ${missing}`,
        refused: true,
      },
    };
  }
  return {
    decision: {
      ...base,
      scheme: 'none',
      reason: `transport TLS only: no usable ${wanted} key (${missing}); ${rule.matchedBy} allows this`,
      refused: false,
    },
  };
}

function chooseSigner(policy: SendPolicy, keys: KeySet, scheme: Scheme) {
  const notes: string[] = [];
  if (policy.sign === 'none') return { sign: 'none' as Scheme, notes };
  if (scheme !== 'none' && scheme !== policy.sign) {
    notes.push(
      `not signed: a ${policy.sign === 'pgp' ? 'OpenPGP' : 'S/MIME'} signature cannot go inside an ${scheme === 'pgp' ? 'OpenPGP' : 'S/MIME'} message`,
    );
    return { sign: 'none' as Scheme, notes };
  }
  const signer = keys.signers?.[policy.sign];
  return { sign: policy.sign as Scheme, signer: signer && stripMaterial(signer), notes };
}

/** Decides, without any IO, what every recipient receives and why. */
export function planSend(message: PlanInput, policy: SendPolicy, keys: KeySet): SendPlan {
  validatePolicy(policy);
  if (policy.sign !== 'none' && !keys.signers?.[policy.sign]) {
    throw new SealpostError(
      'ECONFIG',
      `Signing with ${policy.sign === 'pgp' ? 'OpenPGP' : 'S/MIME'} was asked for, but no signing key was given (--sign-key FILE).`,
    );
  }
  const seen = new Set<string>();
  const decided: { decision: RecipientDecision; key?: RecipientKey }[] = [];
  for (const field of ['to', 'cc', 'bcc'] as const) {
    for (const recipient of message[field] ?? []) {
      const lower = recipient.address.toLowerCase();
      if (seen.has(lower)) {
        throw new SealpostError('EMESSAGE', `Recipient ${quoteUntrusted(lower)} is listed twice.`);
      }
      seen.add(lower);
      decided.push(decide(policy, keys, recipient, field));
    }
  }
  if (decided.length === 0) {
    throw new SealpostError('EMESSAGE', 'The message has no recipients.');
  }

  const headerProtection = policy.headerProtection ?? true;
  const messages: PlannedMessage[] = [];
  const from = message.from.address.toLowerCase();
  const build = (scheme: Scheme, group: typeof decided, bccCopy: boolean) => {
    const { sign, signer, notes } = chooseSigner(policy, keys, scheme);
    const encryptTo = scheme === 'none' ? [] : group.map((d) => d.key!);
    if (
      scheme !== 'none' &&
      policy.encryptToSelf &&
      !group.some((d) => d.decision.address === from)
    ) {
      // The sender's key goes into this copy only: a Bcc copy gains the sender, never another Bcc.
      const self = pickKey(keys, from, scheme);
      if (self) encryptTo.push(self);
      else
        notes.push(
          `not encrypted to yourself: no ${scheme === 'pgp' ? 'OpenPGP key' : 'S/MIME certificate'} for ${from} was found`,
        );
    }
    messages.push({
      scheme,
      sign,
      ...(signer ? { signer } : {}),
      envelopeTo: group.map((d) => d.decision.address),
      encryptTo,
      bccCopy,
      headerProtection: scheme !== 'none' && headerProtection,
      notes,
    });
  };
  const visible = decided.filter((d) => d.decision.field !== 'bcc');
  for (const scheme of ['pgp', 'smime', 'none'] as const) {
    const group = visible.filter((d) => d.decision.scheme === scheme);
    if (group.length) build(scheme, group, false);
  }
  for (const d of decided.filter((d) => d.decision.field === 'bcc')) {
    build(d.decision.scheme, [d], true);
  }

  const decisions = decided.map((d) => d.decision);
  return {
    from: message.from.address,
    decisions,
    messages,
    sendable: decisions.every((d) => !d.refused),
  };
}

/** Throws EPOLICY (nothing is sent to anyone) when any recipient was refused. */
export function assertSendable(plan: SendPlan): void {
  const refused = plan.decisions.filter((d) => d.refused);
  if (refused.length === 0) return;
  throw new SealpostError(
    'EPOLICY',
    `Nothing was sent: encryption is required for ${refused.map((d) => d.address).join(', ')} but no usable key was found.`,
    { details: { refused: refused.map((d) => ({ address: d.address, reason: d.reason })) } },
  );
}

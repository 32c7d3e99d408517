/**
 * prepareSend: everything of a send before the first byte goes to a server — find the
 * recipients' keys, plan per recipient, refuse (nothing built) when the policy says so, build
 * every copy and self-check it. IO comes in through `sources`, so the CLI and a worker send with
 * the same code; submitting the result is sendBuilt's job.
 */
import { type Message, toMime } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { KeySet, SignerKey } from '@sealpost/keystore';
import type { SmimeCertificate } from '@sealpost/smime';
import { type BuildOptions, type BuiltMessage, buildMessages } from './build-messages.js';
import { assertSendable, type PlanInput, planSend, type SendPlan } from './plan-send.js';
import type { SendPolicy } from './policy.js';
import { messageReport, type SendReport, sendWarnings } from './send-report.js';

/** The recipients' side of a KeySet (resolveKeys' ResolvedKeys is one). */
export type RecipientKeys = Omit<KeySet, 'signers'>;

/** Where a send's keys and trust come from; the caller does the IO. */
export interface SendSources<K extends RecipientKeys = RecipientKeys> {
  /**
   * The recipients' keys: a resolver called once with every recipient address (lower-cased),
   * e.g. `(addresses) => resolveKeys(addresses, keySources)`, or keys already resolved.
   */
  readonly recipientKeys: K | ((addresses: readonly string[]) => Promise<K>);
  /** The sender's signing keys by scheme, already loaded and checked (loadSigningKey). */
  readonly signers?: { readonly pgp?: SignerKey; readonly smime?: SignerKey };
  /**
   * The S/MIME trust anchors the signer was checked with. The self-check verifies our own
   * signature with exactly these; absent, the signer's chain was not checked and is not here.
   */
  readonly trustAnchors?: readonly SmimeCertificate[];
}

/**
 * The message to send: a compose Message (turned into 7-bit clean MIME here, as RFC 3156 §3 and
 * RFC 8551 §3.1 require of signed content), or its address lists with the exact RFC 5322 bytes
 * (e.g. readSubmission's result: no Bcc header in them).
 */
export type SendMessage = Message | (PlanInput & { readonly mime: Uint8Array });

export interface PrepareSendOptions {
  /** S/MIME for old clients: AES-256-CBC EnvelopedData, RSA PKCS#1 v1.5 (decision 0041). */
  readonly smimeCompat?: boolean;
  /** The signature time; default now. */
  readonly date?: Date;
  /** Called with the plan as soon as it is made: before a refusal is thrown or anything built. */
  readonly onPlan?: (plan: SendPlan) => void;
  /** Builds the copies, e.g. a createPgpCopyPool() shared by many sends (BuildOptions). */
  readonly copyBuilder?: BuildOptions['copyBuilder'];
}

export interface PreparedSend<K extends RecipientKeys = RecipientKeys> {
  readonly keys: K;
  readonly plan: SendPlan;
  /** Every copy, built and self-checked, in the plan's order. */
  readonly built: readonly BuiltMessage[];
  /** The report of a send that has not happened (no transport facts): what a dry run shows. */
  readonly report: SendReport;
}

/** EPOLICY with the plan that refused attached (the plan is never part of the error's JSON). */
export class SendRefusedError extends SealpostError {
  readonly plan: SendPlan;
  constructor(plan: SendPlan, cause: SealpostError) {
    super('EPOLICY', cause.message, { ...(cause.details ? { details: cause.details } : {}) });
    this.plan = plan;
  }
}

function recipientAddresses(message: PlanInput, policy: SendPolicy): string[] {
  const all = [...(message.to ?? []), ...(message.cc ?? []), ...(message.bcc ?? [])];
  // Encrypt-to-self needs the sender's own key looked up with the recipients'.
  if (policy.encryptToSelf) all.push(message.from);
  return [...new Set(all.map((a) => a.address.toLowerCase()))];
}

/** Resolves keys, plans, refuses or builds and self-checks every copy; sends nothing. */
export async function prepareSend<K extends RecipientKeys = RecipientKeys>(
  message: SendMessage,
  policy: SendPolicy,
  sources: SendSources<K>,
  options: PrepareSendOptions = {},
): Promise<PreparedSend<K>> {
  const keys =
    typeof sources.recipientKeys === 'function'
      ? await sources.recipientKeys(recipientAddresses(message, policy))
      : sources.recipientKeys;
  const signers = sources.signers ?? {};
  const plan = planSend(message, policy, { ...keys, signers });
  options.onPlan?.(plan);
  try {
    assertSendable(plan);
  } catch (err) {
    throw err instanceof SealpostError ? new SendRefusedError(plan, err) : err;
  }
  const mime = 'mime' in message ? message.mime : await toMime(message, { forSigning: true });
  const built = await buildMessages(plan, mime, {
    signers,
    ...(sources.trustAnchors ? { signerTrustAnchors: sources.trustAnchors } : {}),
    ...(options.smimeCompat ? { smimeCompat: true } : {}),
    ...(options.date ? { date: options.date } : {}),
    ...(options.copyBuilder ? { copyBuilder: options.copyBuilder } : {}),
  });
  const report: SendReport = {
    from: plan.from,
    decisions: plan.decisions,
    messages: built.map((b) => messageReport(b, null)),
    warnings: sendWarnings(plan),
  };
  return { keys, plan, built, report };
}

/**
 * prepareSend: everything of a send before the first byte goes to a server — find the
 * recipients' keys, plan per recipient, refuse (nothing built) when the policy says so, build
 * every copy and self-check it. IO comes in through `sources`, so the CLI and a worker send with
 * the same code; submitting the result is sendBuilt's job.
 */
import { statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { type Message, toMime, toMimeStream } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { KeySet, SignerKey } from '@sealpost/keystore';
import type { SmimeCertificate } from '@sealpost/smime';
import { type BuildOptions, type BuiltMessage, buildMessages } from './build-messages.js';
import { assertSendable, type PlanInput, planSend, type SendPlan } from './plan-send.js';
import type { SendPolicy } from './policy.js';
import { messageReport, type SendReport, sendWarnings } from './send-report.js';
import { buildSpooledMessages, type MessageSource, onePass } from './spool/build-spooled.js';
import { createSpoolDir, type SpoolDir } from './spool/spool-dir.js';
import { SpooledCopy } from './spool/spooled-copy.js';
import { CopyCheck } from './spool/stream-self-check.js';
import { spoolTo } from './spool/write-checked.js';

/**
 * Messages whose attachments add up to more than this are built in a spool file (issue 12):
 * in memory, a few MiB already cost more RSS than a 100 MiB streamed send (decision 0105).
 */
export const SPOOL_THRESHOLD = 1024 * 1024;

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
 * (e.g. readSubmission's result: no Bcc header in them) — in memory, or as a stream of
 * canonical CRLF bytes for a large message (spooled to a private file, decision 0105).
 */
export type SendMessage =
  | Message
  | (PlanInput & { readonly mime: Uint8Array | AsyncIterable<Uint8Array> });

export interface PrepareSendOptions {
  /** S/MIME for old clients: AES-256-CBC EnvelopedData, RSA PKCS#1 v1.5 (decision 0041). */
  readonly smimeCompat?: boolean;
  /** The signature time; default now. */
  readonly date?: Date;
  /** Called with the plan as soon as it is made: before a refusal is thrown or anything built. */
  readonly onPlan?: (plan: SendPlan) => void;
  /** Builds the copies, e.g. a createPgpCopyPool() shared by many sends (BuildOptions). */
  readonly copyBuilder?: BuildOptions['copyBuilder'];
  /**
   * Build in private temporary files, in constant memory, when the attachments add up to more
   * than this many octets (default SPOOL_THRESHOLD; 0: always; Infinity: never). A streamed
   * attachment always counts as large. Decision 0105.
   */
  readonly spoolThreshold?: number;
  /** Where the private spool directory is made (default the OS temp dir, TMPDIR). */
  readonly spoolBase?: string;
}

export interface PreparedSend<K extends RecipientKeys = RecipientKeys> {
  readonly keys: K;
  readonly plan: SendPlan;
  /** Every copy, built and self-checked, in the plan's order. */
  readonly built: readonly BuiltMessage[];
  /** The report of a send that has not happened (no transport facts): what a dry run shows. */
  readonly report: SendReport;
  /**
   * Removes the spool files of a large message (idempotent; also done on exit and on
   * SIGINT/SIGTERM). Call it once the copies are sent or written out.
   */
  dispose(): Promise<void>;
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
  const buildOptions: BuildOptions = {
    signers,
    ...(sources.trustAnchors ? { signerTrustAnchors: sources.trustAnchors } : {}),
    ...(options.smimeCompat ? { smimeCompat: true } : {}),
    ...(options.date ? { date: options.date } : {}),
    ...(options.copyBuilder ? { copyBuilder: options.copyBuilder } : {}),
  };
  let spool: SpoolDir | undefined;
  let built: BuiltMessage[];
  const source = 'mime' in message ? message.mime : undefined;
  if (
    (source !== undefined && !(source instanceof Uint8Array)) ||
    (!('mime' in message) && attachmentSize(message) > (options.spoolThreshold ?? SPOOL_THRESHOLD))
  ) {
    spool = createSpoolDir(options.spoolBase);
    try {
      const composed = !source;
      const stream = (): Readable =>
        source && !(source instanceof Uint8Array)
          ? Readable.from(source)
          : toMimeStream(message as Message, { forSigning: true });
      let canonical: MessageSource;
      if (onePass(plan, buildOptions)) {
        // Composed afresh on each call: a second read would not be the same bytes.
        let opened = false;
        const once = (): Readable => {
          if (opened)
            throw new SealpostError('EINTERNAL', 'A one-pass build read the message twice.');
          opened = true;
          return stream();
        };
        canonical = { stream: once, crlf: composed };
      } else {
        const path = spool.file('message.eml');
        // Checked as it is written, for a TLS-only copy (which is this file); the problems
        // are only reported if one is: the builders rewrite the line ends of their copies.
        const check = new CopyCheck();
        await spoolTo(path, stream(), check);
        const file = new SpooledCopy(path, 0);
        canonical = { path, crlf: composed, check, stream: () => file.stream() };
      }
      built = await buildSpooledMessages(plan, canonical, spool, buildOptions);
    } catch (err) {
      await spool.remove();
      throw err;
    }
  } else {
    const mime =
      source instanceof Uint8Array
        ? source
        : await toMime(message as Message, { forSigning: true });
    built = await buildMessages(plan, mime, buildOptions);
  }
  const report: SendReport = {
    from: plan.from,
    decisions: plan.decisions,
    messages: built.map((b) => messageReport(b, null)),
    warnings: sendWarnings(plan),
  };
  return { keys, plan, built, report, dispose: async () => spool?.remove() };
}

/** The attachments' size in octets; a stream's is unknown and counts as unbounded. */
function attachmentSize(message: Message): number {
  let total = 0;
  for (const a of message.attachments) {
    if (a.content) total += a.content.length;
    else if (a.stream) return Number.POSITIVE_INFINITY;
    else if (a.path) total += statSync(a.path).size;
  }
  return total;
}

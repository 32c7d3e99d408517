/**
 * Protect at enqueue: prepareSend resolves keys, plans, refuses or builds and self-checks
 * every copy before anything is stored, so the queue gets only envelopes, protected bytes
 * and reports — never a plaintext of an encrypted copy, a key or a passphrase. One job per
 * copy (a private Bcc copy or a copy in another scheme is its own transaction).
 */
import { randomUUID } from 'node:crypto';
import { decodeHeaderText } from '@sealpost/compose';
import { resolveRecipientKeys } from '@sealpost/keystore';
import {
  headerSection,
  messageReport,
  type PreparedSend,
  prepareSend,
  rawForTransport,
  type SendMessage,
  type SendPolicy,
} from '@sealpost/pipeline';
import type { JobQueue, JobState } from '@sealpost/queue';
import type { SendSetup } from './send-sources.js';

export interface EnqueuedSend {
  /** The first copy's job: what `{ id, state }` of the 202 answer names. */
  readonly id: string;
  readonly state: JobState;
  /** Every copy's job, in the plan's order. */
  readonly jobs: readonly { readonly id: string; readonly state: JobState }[];
  readonly created: boolean;
}

/** What the queue holds of a job, in words the report carries. */
export type QueuedForm = 'plaintext' | 'signed plaintext' | 'end-to-end encrypted';

/** The stored report: the pipeline's SendReport of this one copy, plus what the queue holds. */
export interface JobReport {
  readonly from: string;
  readonly decisions: unknown;
  readonly messages: readonly ReturnType<typeof messageReport>[];
  readonly queued: QueuedForm;
  /** The outer Subject as it travels ("[...]" under header protection): what servers read too. */
  readonly subject?: string;
}

const HEADER_END = '\r\n\r\n';

function outerHeader(raw: Uint8Array): string {
  const text = Buffer.from(
    raw.buffer,
    raw.byteOffset,
    Math.min(raw.byteLength, 64 * 1024),
  ).toString('latin1');
  const end = text.indexOf(HEADER_END);
  return (end < 0 ? text : text.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
}

/** The Message-ID field of the outer header section (RFC 5322 §3.6.4). */
export function messageIdOf(raw: Uint8Array): string | undefined {
  return /^Message-ID:[ \t]*(<[^>\r\n]+>)/im.exec(outerHeader(raw))?.[1];
}

/** The outer Subject field, decoded (RFC 2047), as every server on the path sees it. */
export function outerSubject(raw: Uint8Array): string | undefined {
  const value = /^Subject:[ \t]*(.*)$/im.exec(outerHeader(raw))?.[1];
  if (value === undefined) return undefined;
  try {
    return decodeHeaderText(value.trim());
  } catch {
    return value.trim();
  }
}

export async function protectAndEnqueue(
  queue: JobQueue,
  message: SendMessage & { readonly messageId?: string },
  policy: SendPolicy,
  setup: SendSetup,
  options: { readonly idempotencyKey?: string; readonly maxAttempts?: number } = {},
): Promise<EnqueuedSend> {
  const prepared = await prepareSend(
    message,
    policy,
    {
      recipientKeys: (addresses) => resolveRecipientKeys(addresses, setup.keySources),
      signers: await setup.signers(),
    },
    setup.copyBuilder ? { copyBuilder: setup.copyBuilder } : {},
  );
  try {
    return await enqueueCopies(queue, message, prepared, options);
  } finally {
    // A large message was built in private temporary files; the queue holds its own copy now.
    await prepared.dispose();
  }
}

async function enqueueCopies(
  queue: JobQueue,
  message: SendMessage & { readonly messageId?: string },
  { plan, built }: PreparedSend,
  options: { readonly idempotencyKey?: string; readonly maxAttempts?: number },
): Promise<EnqueuedSend> {
  const jobs: { id: string; state: JobState }[] = [];
  let created = false;
  for (const [index, copy] of built.entries()) {
    const report: JobReport = {
      from: plan.from,
      decisions: plan.decisions.filter((d) =>
        copy.envelope.to.some((to) => to.toLowerCase() === d.address.toLowerCase()),
      ),
      messages: [messageReport(copy, null)],
      queued:
        copy.planned.scheme !== 'none'
          ? 'end-to-end encrypted'
          : copy.planned.sign !== 'none'
            ? 'signed plaintext'
            : 'plaintext',
    };
    const head = headerSection(copy.raw);
    const subject = outerSubject(head);
    if (subject !== undefined) Object.assign(report, { subject });
    const messageId =
      messageIdOf(head) ?? message.messageId ?? `<${randomUUID()}@sealpost.invalid>`;
    const result = await queue.enqueue({
      envelope: {
        from: copy.envelope.from,
        to: copy.envelope.to,
        ...(copy.envelope.smtputf8 ? { smtputf8: true } : {}),
      },
      raw: rawForTransport(copy.raw),
      messageId,
      report,
      ...(options.idempotencyKey
        ? {
            idempotencyKey:
              built.length === 1 ? options.idempotencyKey : `${options.idempotencyKey}#${index}`,
          }
        : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    });
    created ||= result.created;
    jobs.push({ id: result.id, state: result.state });
  }
  return { id: jobs[0]!.id, state: jobs[0]!.state, jobs, created };
}

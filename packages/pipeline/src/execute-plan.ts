/**
 * executePlan: compose → sign/encrypt → self-check every message, and only then send them one
 * after another. If the server fails part-way, the error says exactly which copies went out.
 */
import { type Message, toMime } from '@sealpost/compose';
import { isSealpostError, SealpostError } from '@sealpost/errors';
import type { Transport } from '@sealpost/transport';
import { type BuildOptions, type BuiltMessage, buildMessages } from './build-messages.js';
import type { SendPlan } from './plan-send.js';
import { type MessageReport, messageReport, type SendReport, sendWarnings } from './send-report.js';
import { rawForTransport, rawSize } from './spool/spooled-copy.js';

export interface ExecuteOptions extends BuildOptions {
  /**
   * The RFC 5322 message to send, when it did not come from compose (e.g. `sendmail -t` input).
   * Otherwise the plan's message is composed with toMime (7-bit clean, as signing needs).
   */
  readonly mime?: Uint8Array;
  readonly message?: Message;
  /** Called after each message is handed over. */
  readonly onProgress?: (sent: number, total: number) => void;
}

export async function executePlan(
  plan: SendPlan,
  transport: Transport,
  options: ExecuteOptions,
): Promise<SendReport> {
  let mime = options.mime;
  if (!mime) {
    if (!options.message)
      throw new SealpostError('ECONFIG', 'executePlan needs the message or its MIME bytes.');
    mime = await toMime(options.message, { forSigning: true });
  }
  const built = await buildMessages(plan, mime, options);
  return sendBuilt(plan, built, transport, options);
}

/**
 * Sends messages already built (and self-checked) by buildMessages, one after another, the
 * largest first: a server's size limit (SIZE, RFC 1870) that refuses any copy refuses that one,
 * before anything is sent. If the server fails part-way, the error says exactly which copies
 * went out and which did not. The report lists the copies in the plan's order.
 */
export async function sendBuilt(
  plan: SendPlan,
  built: readonly BuiltMessage[],
  transport: Transport,
  options: { readonly onProgress?: (sent: number, total: number) => void } = {},
): Promise<SendReport> {
  // A stable sort: copies of equal size keep the plan's order.
  const order = [...built.keys()].sort((a, b) => rawSize(built[b]!.raw) - rawSize(built[a]!.raw));
  const sent = new Map<number, MessageReport>();
  for (const [position, index] of order.entries()) {
    const message = built[index]!;
    try {
      const report = await transport.send({
        envelope: message.envelope,
        raw: rawForTransport(message.raw),
        size: rawSize(message.raw),
        // Every built copy passed the self-check: CRLF only, no bare CR or LF.
        crlfChecked: true,
      });
      sent.set(index, messageReport(message, report));
      options.onProgress?.(position + 1, built.length);
    } catch (err) {
      if (position === 0) throw err;
      const already = [...sent.values()].flatMap((r) => r.envelope.to);
      const cause = isSealpostError(err)
        ? err
        : new SealpostError('EINTERNAL', String(err), { cause: err });
      throw new SealpostError(
        cause.code,
        `The copy to ${message.envelope.to.join(', ')} failed (${cause.message}); ${position} of ${built.length} copies ${position === 1 ? 'was' : 'were'} already sent, to ${already.join(', ')}.`,
        {
          cause: err,
          ...(cause.command ? { command: cause.command } : {}),
          ...(cause.responseCode ? { responseCode: cause.responseCode } : {}),
          ...(cause.response ? { response: cause.response } : {}),
          details: {
            sentTo: already,
            notSentTo: order.slice(position).flatMap((i) => built[i]!.envelope.to),
          },
        },
      );
    }
  }
  const reports = [...built.keys()].map((i) => sent.get(i)!);
  return {
    from: plan.from,
    decisions: plan.decisions,
    messages: reports,
    warnings: sendWarnings(plan),
  };
}

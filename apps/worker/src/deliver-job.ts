/**
 * The consumer's handler: streams a job's bytes from the queue to the submission server and
 * marks the job "data sent" right before the final "." (RFC 5321 §4.1.1.4) — the body stream
 * does not end until the mark is durable, and the transport writes the "." only after the end.
 */
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import { exposureMatrix, linkFromTransport, type MessageReport } from '@sealpost/pipeline';
import type { Lease } from '@sealpost/queue';
import type { Transport, TransportReport } from '@sealpost/transport';
import type { JobReport } from './protect-at-enqueue.js';

/** Passes the bytes through; holds back the end until `beforeEnd` resolves. */
class MarkBeforeEnd extends Transform {
  constructor(private readonly beforeEnd: () => Promise<void>) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    this.beforeEnd().then(
      () => done(),
      (err: Error) => done(err),
    );
  }
}

/** The stored report with this delivery's transport facts and the exposure they give. */
export function deliveredReport(stored: unknown, transport: TransportReport): unknown {
  const report = stored as JobReport | undefined;
  if (!report || !Array.isArray(report.messages)) return stored;
  const firstLink = linkFromTransport(transport);
  return {
    ...report,
    messages: report.messages.map(
      (m: MessageReport): MessageReport => ({
        ...m,
        transport,
        firstLink,
        exposure: exposureMatrix({
          scheme: m.endToEnd.scheme,
          headerProtection: m.endToEnd.headerProtection,
          firstLink,
        }),
      }),
    ),
  };
}

export interface DeliveryObserver {
  onSent?(lease: Lease, report: TransportReport, seconds: number): void;
  onFailed?(lease: Lease, error: unknown): void;
}

export function deliverJob(transport: Transport, observer: DeliveryObserver = {}) {
  return async (lease: Lease): Promise<void> => {
    const started = performance.now();
    let markFailure: unknown;
    let marked = false;
    /** One try on one stream of the job's bytes; its end waits for the durable mark. */
    const attempt = () => {
      const source = lease.openRaw();
      const raw = new MarkBeforeEnd(() =>
        lease.markDataSent().then(
          () => {
            marked = true;
          },
          (err: unknown) => {
            markFailure = err;
            throw err;
          },
        ),
      );
      // A read error of the store fails the send; a send that ends without reading the stream
      // (a refusal before MAIL FROM) closes the store's stream too.
      pipeline(source, raw, () => {});
      return transport.send({ envelope: lease.envelope, raw, size: lease.size });
    };
    let sent: TransportReport;
    try {
      sent = await attempt().catch((err: unknown) => {
        // A pooled session the server closed while idle: nothing reached it (ECONNLOST is raised
        // only before the end of DATA), and a stream cannot be replayed by the transport, so the
        // job gets one fresh stream and session at once instead of a backoff delay.
        if (!marked && markFailure === undefined && (err as { code?: string }).code === 'ECONNLOST')
          return attempt();
        throw err;
      });
    } catch (err) {
      // The queue could not record the mark (e.g. Redis away): the final "." was never sent,
      // so the job is simply tried again later — not failed for the transport's reading of it.
      const failure =
        markFailure === undefined
          ? err
          : new SealpostError(
              'EQUEUE_CLOSED',
              'The queue could not record that the message data was sent; nothing was delivered.',
              { cause: markFailure },
            );
      observer.onFailed?.(lease, failure);
      throw failure; // consume() settles: transient → deferred, ambiguous → parked, else failed
    }
    await lease.complete({
      ...(sent.transport === 'smtp' ? { response: sent.response } : {}),
      ...(sent.transport === 'smtp' && /^\d{3}/.test(sent.response)
        ? { responseCode: Number(sent.response.slice(0, 3)) }
        : {}),
      report: deliveredReport(lease.report, sent),
    });
    observer.onSent?.(lease, sent, (performance.now() - started) / 1000);
  };
}

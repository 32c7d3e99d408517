/**
 * The SMTP submission transport: `send({ envelope, raw })` → TransportReport, one connection
 * per message or a pool of long-lived sessions for bulk sending (RFC 5321 §4.1.4 RSET between
 * refused transactions, many transactions per session).
 */
import { SealpostError } from '@sealpost/errors';
import type { SendInput } from './envelope.js';
import type { TransportReport } from './report.js';
import { type Lease, SessionPool } from './session-pool.js';
import { resetSession, sendOnSession } from './smtp-send.js';
import type { SmtpEndpoint } from './smtp-session.js';

/** What every sealpost transport offers: bytes plus envelope in, a report out. */
export interface Transport {
  send(input: SendInput): Promise<TransportReport>;
  /** Ends idle connections; sends in flight finish first. */
  close(): Promise<void>;
}

export interface SmtpTransportOptions extends SmtpEndpoint {
  /** Keep sessions open and reuse them (bulk sending). Default false. */
  readonly pool?: boolean;
  /** Sessions open at once when pooling. Default 5. */
  readonly maxConnections?: number;
  /** Messages per session before it is replaced. Default 100. */
  readonly maxMessagesPerConnection?: number;
  /**
   * Send to the accepted recipients even when the server rejects some (they are listed in
   * `report.rejected`). Default false: any rejected recipient fails the message, unsent.
   */
  readonly partialDelivery?: boolean;
  /**
   * A session opened by `open()` that waited longer than this for its message is closed (QUIT)
   * and the message goes over a fresh one, as without `open()`. Default 10 000 ms: far below
   * the 5 minutes a server waits for a command (RFC 5321 §4.5.3.2.7), so a slow build never
   * meets a session the server is dropping. Decision 0128.
   */
  readonly maxAheadIdleMs?: number;
}

export interface SmtpTransport extends Transport {
  readonly options: Readonly<SmtpTransportOptions>;
  /**
   * Opens a session now, for the next `send` to use: connect, greeting, EHLO, STARTTLS with
   * full certificate verification, EHLO again, AUTH. Nothing of a message (no MAIL FROM) is
   * sent until `send`. Rejects with the codes `send` would (ETLS, EAUTH, ETIMEDOUT, …); a
   * `send` after a failed `open()` opens a fresh session. `close()` before `send` ends the
   * session with QUIT, or tears it down if it is still opening. Decision 0128.
   */
  open(): Promise<void>;
}

export function createSmtpTransport(options: SmtpTransportOptions): SmtpTransport {
  const pooled = options.pool === true;
  const pool = new SessionPool(options, {
    maxConnections: pooled ? Math.max(1, options.maxConnections ?? 5) : Number.POSITIVE_INFINITY,
    maxMessages: pooled ? Math.max(1, options.maxMessagesPerConnection ?? 100) : 1,
    maxAheadIdleMs: options.maxAheadIdleMs ?? 10_000,
  });

  async function attempt(
    input: SendInput,
    fresh: boolean,
    leased: { lease?: Lease },
  ): Promise<TransportReport> {
    const called = performance.now();
    const lease = await pool.acquire(fresh);
    leased.lease = lease;
    // A session opened ahead of this send: the report's total counts from when opening began.
    const startedAt = lease.opened ? Math.min(called, lease.session.openedAt) : called;
    try {
      const report = await sendOnSession(
        lease.session,
        input,
        startedAt,
        lease.opened,
        options.partialDelivery === true,
      );
      pool.release(lease.session);
      return report;
    } catch (err) {
      if (err instanceof SealpostError && !lease.session.broken) {
        await resetSession(lease.session);
      }
      pool.release(lease.session);
      throw err;
    }
  }

  return {
    options: Object.freeze({ ...options }),
    async send(input) {
      const leased: { lease?: Lease } = {};
      try {
        return await attempt(input, false, leased);
      } catch (err) {
        // A parked session (pooled, or opened ahead) the server closed while it waited:
        // nothing of this message reached it (ECONNLOST is only raised before the end of
        // DATA), so a fresh session may carry it.
        const waited = pooled || leased.lease?.parked === true;
        if (waited && err instanceof SealpostError && err.code === 'ECONNLOST') {
          if (!(input.raw instanceof Uint8Array)) throw err; // a consumed stream cannot be replayed
          return attempt(input, true, {});
        }
        throw err;
      }
    },
    open() {
      return pool.warm();
    },
    async close() {
      pool.close();
    },
  };
}

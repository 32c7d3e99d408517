/**
 * The SMTP submission transport: `send({ envelope, raw })` → TransportReport, one connection
 * per message or a pool of long-lived sessions for bulk sending (RFC 5321 §4.1.4 RSET between
 * refused transactions, many transactions per session).
 */
import { SealpostError } from '@sealpost/errors';
import type { SendInput } from './envelope.js';
import type { TransportReport } from './report.js';
import { closeSession, resetSession, sendOnSession } from './smtp-send.js';
import { openSession, type SmtpEndpoint, type SmtpSession } from './smtp-session.js';

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
}

export interface SmtpTransport extends Transport {
  readonly options: Readonly<SmtpTransportOptions>;
}

interface Lease {
  session: SmtpSession;
  opened: boolean;
}

class SessionPool {
  private readonly idle: SmtpSession[] = [];
  private readonly waiting: Array<() => void> = [];
  private inUse = 0;
  private closed = false;

  constructor(
    private readonly endpoint: SmtpEndpoint,
    private readonly maxConnections: number,
    private readonly maxMessages: number,
  ) {}

  async acquire(fresh: boolean): Promise<Lease> {
    if (this.closed) throw new SealpostError('ECONFIG', 'The transport is closed.');
    while (this.inUse >= this.maxConnections) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inUse += 1;
    while (!fresh && this.idle.length > 0) {
      const session = this.idle.pop()!;
      if (!session.broken) return { session, opened: false };
    }
    try {
      return { session: await openSession(this.endpoint), opened: true };
    } catch (err) {
      this.free();
      throw err;
    }
  }

  release(session: SmtpSession): void {
    if (this.closed || session.broken || session.messages >= this.maxMessages) {
      closeSession(session);
    } else {
      this.idle.push(session);
    }
    this.free();
  }

  private free(): void {
    this.inUse -= 1;
    this.waiting.shift()?.();
  }

  close(): void {
    this.closed = true;
    for (const session of this.idle.splice(0)) closeSession(session);
  }
}

export function createSmtpTransport(options: SmtpTransportOptions): SmtpTransport {
  const pooled = options.pool === true;
  const pool = new SessionPool(
    options,
    pooled ? Math.max(1, options.maxConnections ?? 5) : Number.POSITIVE_INFINITY,
    pooled ? Math.max(1, options.maxMessagesPerConnection ?? 100) : 1,
  );

  async function attempt(input: SendInput, fresh: boolean): Promise<TransportReport> {
    const startedAt = performance.now();
    const lease = await pool.acquire(fresh);
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
      try {
        return await attempt(input, false);
      } catch (err) {
        // A pooled session the server closed while idle: nothing of this message reached it
        // (ECONNLOST is only raised before the end of DATA), so a fresh session may carry it.
        if (pooled && err instanceof SealpostError && err.code === 'ECONNLOST') {
          if (!(input.raw instanceof Uint8Array)) throw err; // a consumed stream cannot be replayed
          return attempt(input, true);
        }
        throw err;
      }
    },
    async close() {
      pool.close();
    },
  };
}

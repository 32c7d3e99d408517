/**
 * The sessions of one SMTP transport (RFC 5321 §4.1.4: many transactions per session): leased
 * to one message at a time, parked between messages, and opened ahead of the first message
 * when asked (`warm`, decision 0128), so that connecting overlaps building the message.
 */
import { SealpostError } from '@sealpost/errors';
import { closeSession } from './smtp-send.js';
import { openSession, type SmtpEndpoint, type SmtpSession } from './smtp-session.js';

export interface Lease {
  readonly session: SmtpSession;
  /** The session was opened for this message (just now, or ahead of it): it carried none yet. */
  readonly opened: boolean;
  /** The session was waiting parked (opened ahead or used before), not opened by this lease. */
  readonly parked: boolean;
}

interface Parked {
  readonly session: SmtpSession;
  /** performance.now() when it was parked. */
  readonly since: number;
  /** Opened by warm(), no transaction on it yet. */
  readonly ahead: boolean;
}

export interface SessionPoolLimits {
  readonly maxConnections: number;
  /** Messages per session before it is replaced. */
  readonly maxMessages: number;
  /** A session opened ahead that waited longer than this is closed instead of used. */
  readonly maxAheadIdleMs: number;
}

function closedTransport(): SealpostError {
  return new SealpostError('ECONFIG', 'The transport is closed.');
}

export class SessionPool {
  private readonly idle: Parked[] = [];
  private readonly waiting: Array<() => void> = [];
  /** Sessions being opened ahead, each with what aborts it. */
  private readonly opening = new Map<Promise<void>, AbortController>();
  private inUse = 0;
  private closed = false;

  constructor(
    private readonly endpoint: SmtpEndpoint,
    private readonly limits: SessionPoolLimits,
  ) {}

  /** Waits for a free connection slot and takes it. */
  private async slot(): Promise<void> {
    while (this.inUse >= this.limits.maxConnections) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inUse += 1;
  }

  private free(): void {
    this.inUse -= 1;
    this.waiting.shift()?.();
  }

  /**
   * Opens one session now and parks it for the next acquire: connect, EHLO, STARTTLS, AUTH,
   * never MAIL. Rejects with the codes opening rejects with when the message is sent.
   */
  warm(): Promise<void> {
    if (this.closed) return Promise.reject(closedTransport());
    const controller = new AbortController();
    const done = (async () => {
      await this.slot();
      try {
        if (this.closed) throw closedTransport();
        const session = await openSession(this.endpoint, { signal: controller.signal });
        this.park(session, true);
      } finally {
        this.free();
      }
    })();
    this.opening.set(done, controller);
    const forget = () => {
      this.opening.delete(done);
    };
    done.then(forget, forget);
    return done;
  }

  async acquire(fresh: boolean): Promise<Lease> {
    if (this.closed) throw closedTransport();
    await this.slot();
    try {
      while (!fresh) {
        const parked = this.idle.pop();
        if (parked) {
          const { session, ahead } = parked;
          if (session.broken) continue;
          if (ahead && performance.now() - parked.since > this.limits.maxAheadIdleMs) {
            // Opened ahead of a build that took long: the server may be about to drop it
            // (and a streamed message could not be replayed on a fresh one). Start over.
            closeSession(session);
            continue;
          }
          return { session, opened: ahead, parked: true };
        }
        if (this.opening.size === 0) break;
        // A session is being opened ahead for this message: wait for it rather than open a
        // second one. If it fails, the loop opens a fresh session below.
        await Promise.race([...this.opening.keys()].map((p) => p.catch(() => {})));
      }
      return { session: await openSession(this.endpoint), opened: true, parked: false };
    } catch (err) {
      this.free();
      throw err;
    }
  }

  private park(session: SmtpSession, ahead: boolean): void {
    if (this.closed || session.broken || session.messages >= this.limits.maxMessages) {
      closeSession(session);
    } else {
      const parked: Parked = { session, since: performance.now(), ahead };
      this.idle.push(parked);
      // Still waiting when the limit passes (a long build): QUIT now, before our own socket
      // timeout or the server's idle timeout ends it less politely.
      if (ahead) setTimeout(() => this.expire(parked), this.limits.maxAheadIdleMs).unref();
    }
  }

  private expire(parked: Parked): void {
    const at = this.idle.indexOf(parked);
    if (at < 0) return; // taken by a send, or closed
    this.idle.splice(at, 1);
    closeSession(parked.session);
  }

  release(session: SmtpSession): void {
    this.park(session, false);
    this.free();
  }

  /** QUIT for every parked session; a session still being opened ahead is torn down. */
  close(): void {
    this.closed = true;
    for (const controller of this.opening.values()) controller.abort();
    for (const { session } of this.idle.splice(0)) closeSession(session);
  }
}

/**
 * After STARTTLS, the second EHLO goes out once the server's TLS 1.3 session ticket has arrived
 * (docs/decisions/0145).
 *
 * A TLS 1.3 server sends its NewSessionTicket after it has read the client's Finished. A client
 * that sends EHLO together with its Finished (as nodemailer does) makes the server write twice
 * in a row: the ticket, then the EHLO reply. Postfix holds the reply back until the ticket is
 * acknowledged (Nagle's algorithm), and the client, which has nothing to send, delays that
 * acknowledgement: ~40 ms lost on every submission, a fifth of a one-shot `sealpost send` to a
 * local Postfix. Sent after the ticket, the EHLO carries the acknowledgement and the reply
 * comes at once.
 *
 * The wait is bounded by about one handshake time (the ticket is one round trip away), so a
 * server that sends no ticket costs at most that. TLS 1.2 ends its handshake with the ticket
 * already sent: no wait.
 */
import type { TLSSocket } from 'node:tls';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';

/** Bounds of the wait for a ticket, in ms. */
export const TICKET_WAIT_MIN_MS = 5;
export const TICKET_WAIT_MAX_MS = 40;

/** How long to wait for a ticket after a handshake that took `handshakeMs` (≈ one round trip). */
export function ticketWaitMs(handshakeMs: number): number {
  return Math.min(TICKET_WAIT_MAX_MS, Math.max(TICKET_WAIT_MIN_MS, Math.ceil(handshakeMs)));
}

/**
 * Settles when `socket` (whose handshake just completed) has received a TLS 1.3 session ticket,
 * after `waitMs` without one, or when it closes; at once for TLS 1.2 and below. Never rejects:
 * a failed socket is reported by whoever writes to it next.
 */
export function afterSessionTicket(socket: TLSSocket, waitMs: number): Promise<void> {
  if (socket.destroyed || socket.getProtocol() !== 'TLSv1.3') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.removeListener('session', onTicket);
      socket.removeListener('close', done);
      resolve();
    };
    // Node emits 'session' from inside OpenSSL's read of the ticket; a write made from there
    // (the EHLO) was never answered in a test against Postfix. Go on in the next turn instead.
    const onTicket = () => setImmediate(done);
    const timer = setTimeout(done, waitMs);
    socket.once('session', onTicket);
    socket.once('close', done);
  });
}

/** nodemailer's STARTTLS step: upgrades the socket, then calls back, which sends EHLO. */
interface Upgradable {
  _upgradeConnection?: (callback: (err: Error | null, secured?: boolean) => void) => void;
  _socket: unknown;
}

/**
 * Makes `conn`'s STARTTLS step call back (and so send EHLO) only after the session ticket.
 * A nodemailer without the step (another version) is left as it is: EHLO then goes out
 * with the Finished, as before, ~40 ms slower against Postfix but otherwise the same.
 */
export function ehloAfterSessionTicket(conn: SMTPConnection): void {
  const inner = conn as unknown as Upgradable;
  const upgrade = inner._upgradeConnection;
  if (typeof upgrade !== 'function') return;
  inner._upgradeConnection = function (this: Upgradable, callback) {
    const started = performance.now();
    upgrade.call(this, (err, secured) => {
      if (err || !secured) {
        callback(err, secured);
        return;
      }
      const socket = this._socket as TLSSocket;
      void afterSessionTicket(socket, ticketWaitMs(performance.now() - started)).then(() =>
        callback(null, true),
      );
    });
  };
}

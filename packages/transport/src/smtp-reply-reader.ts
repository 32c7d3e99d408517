/**
 * Reads SMTP replies (RFC 5321 §4.2: "250-…" continuation lines, then "250 …") from a socket,
 * for the probe, which speaks only EHLO, STARTTLS and QUIT and needs the exact replies.
 */
import type { Socket } from 'node:net';
import { quoteUntrusted } from '@sealpost/errors';

export interface SmtpReply {
  readonly code: number;
  /** The text of each line without the code and separator. */
  readonly lines: readonly string[];
}

const MAX_REPLY_BYTES = 64 * 1024;

export class SmtpReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private waiting: ((reply: SmtpReply | Error) => void) | undefined;
  private failure: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString('latin1');
    if (this.buffer.length > MAX_REPLY_BYTES) this.fail(new Error('reply too long'));
    this.drain();
  };
  private readonly onEnd = () => this.fail(new Error('connection closed'));

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.once('end', this.onEnd);
    socket.once('close', this.onEnd);
    socket.on('error', (err) => this.fail(err));
  }

  /** Stops reading and forgets anything buffered (RFC 3207 §6: before the TLS handshake). */
  detach(): number {
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('end', this.onEnd);
    this.socket.removeListener('close', this.onEnd);
    const discarded = this.buffer.length;
    this.buffer = '';
    this.lines = [];
    return discarded;
  }

  next(): Promise<SmtpReply> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting = (reply) => (reply instanceof Error ? reject(reply) : resolve(reply));
      this.drain();
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(this.failure);
  }

  private drain(): void {
    if (!this.waiting) return;
    for (;;) {
      const eol = this.buffer.indexOf('\n');
      if (eol < 0) return;
      const line = this.buffer.slice(0, eol).replace(/\r$/, '');
      this.buffer = this.buffer.slice(eol + 1);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) {
        this.fail(new Error(`not an SMTP reply: ${quoteUntrusted(line)}`));
        return;
      }
      this.lines.push(match[3]!);
      if (match[2] !== '-') {
        const reply = { code: Number(match[1]), lines: this.lines };
        this.lines = [];
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting(reply);
        return;
      }
    }
  }
}

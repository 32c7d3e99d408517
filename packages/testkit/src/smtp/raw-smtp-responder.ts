/**
 * A minimal SMTP responder over any duplex socket (RFC 5321 §4.1), for hostile servers that
 * need exact control of the bytes. It accepts everything and records every line it reads.
 */
import type { Duplex } from 'node:stream';

export interface RawResponderOptions {
  /** EHLO keywords after the greeting line, e.g. ["AUTH PLAIN", "STARTTLS"]. */
  readonly extensions: readonly string[];
  /** Called with the command line; return true when the responder should stop handling it. */
  readonly onCommand?: (line: string, socket: Duplex) => boolean;
  /**
   * After the final "." of DATA: reply 250 (default), drop the connection, or say nothing.
   * `drop-at-354` drops right after the 354 instead, before the message has arrived.
   */
  readonly afterData?: 'accept' | 'drop' | 'hang' | 'drop-at-354';
  /** Send the 220 greeting on start (not after STARTTLS). Default true. */
  readonly greet?: boolean;
}

export interface RawResponderRecord {
  /** Command lines in the order received (DATA content excluded). */
  readonly commands: string[];
  /** Message bodies received (up to the final "."). */
  readonly messages: Buffer[];
}

export function respondSmtp(
  socket: Duplex,
  options: RawResponderOptions,
  record: RawResponderRecord = { commands: [], messages: [] },
): RawResponderRecord {
  let buffer = Buffer.alloc(0);
  let inData = false;
  const write = (text: string) => {
    if (!socket.destroyed) socket.write(text);
  };
  if (options.greet !== false) write('220 raw.test ESMTP\r\n');
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        record.messages.push(buffer.subarray(0, end + 2));
        buffer = buffer.subarray(end + 5);
        inData = false;
        if (options.afterData === 'drop') {
          socket.destroy();
          return;
        }
        if (options.afterData === 'hang') return;
        write(`250 2.0.0 Ok: queued as RAW${record.messages.length}\r\n`);
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = buffer.subarray(0, eol).toString('latin1');
      buffer = buffer.subarray(eol + 2);
      record.commands.push(line);
      if (options.onCommand?.(line, socket)) continue;
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'EHLO') {
        const lines = ['raw.test', ...options.extensions];
        write(lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}\r\n`).join(''));
      } else if (verb === 'AUTH') {
        write('235 2.7.0 Authentication successful\r\n');
      } else if (verb === 'DATA') {
        inData = true;
        write('354 End data with <CR><LF>.<CR><LF>\r\n');
        if (options.afterData === 'drop-at-354') {
          socket.destroy();
          return;
        }
      } else if (verb === 'STARTTLS') {
        // Reached only when onCommand did not take it: this responder has no TLS to offer.
        write('502 5.5.1 STARTTLS not supported\r\n');
      } else if (verb === 'QUIT') {
        write('221 2.0.0 Bye\r\n');
        socket.end();
      } else {
        write('250 2.0.0 Ok\r\n');
      }
    }
  });
  return record;
}

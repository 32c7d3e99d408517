/**
 * Which TLS mode an unfamiliar submission port speaks, told without sending a byte. An SMTP
 * server on a STARTTLS port greets first, in clear (RFC 5321 §3.1: "220 …"); a server on an
 * implicit-TLS port (RFC 8314 §3.3) says nothing until the client's TLS ClientHello arrives.
 * Both modes end in verified TLS, so choosing between them by what the port does is no
 * downgrade; but nothing is written before the choice, so no SMTP command ever leaves in clear.
 */
import { connect, type Socket } from 'node:net';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { tlsOrNetworkError } from './connection-errors.js';
import type { ProbeMode } from './probe.js';

export interface DetectModeOptions {
  /** TCP connect timeout. Default 15 s. */
  readonly connectMs?: number;
  /**
   * How long to listen for a greeting before concluding "implicit TLS". Default 2.5 s: long
   * enough for a greeting delayed by a busy server or smtp-server's 100 ms pause, short
   * enough not to stall a send.
   */
  readonly greetingWaitMs?: number;
}

export interface DetectedMode {
  readonly mode: ProbeMode;
  /** What the port did, in words, for the report and for errors. */
  readonly evidence: string;
}

function cannotTell(host: string, port: number, what: string): SealpostError {
  return new SealpostError(
    'ETLS_MODE_UNKNOWN',
    `Cannot tell whether ${host}:${port} speaks implicit TLS or STARTTLS: ${what}. Say which with --tls implicit or --tls starttls.`,
    { details: { host, port } },
  );
}

/** Connects, listens, and closes again: a greeting in clear means STARTTLS, silence implicit TLS. */
export function detectPortMode(
  host: string,
  port: number,
  options: DetectModeOptions = {},
): Promise<DetectedMode> {
  const connectMs = options.connectMs ?? 15_000;
  const waitMs = options.greetingWaitMs ?? 2_500;
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect({ host, port });
    const finish = (outcome: DetectedMode | SealpostError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof SealpostError) reject(outcome);
      else resolve(outcome);
    };
    timer = setTimeout(() => {
      finish(
        new SealpostError('ETIMEDOUT', `Could not connect to ${host}:${port} in ${connectMs} ms.`, {
          details: { host, port },
        }),
      );
    }, connectMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish({
          mode: 'implicit-tls',
          evidence: `no greeting within ${waitMs} ms: the server waits for a TLS handshake`,
        });
      }, waitMs);
    });
    socket.once('data', (chunk: Buffer) => {
      const head = chunk.subarray(0, 64).toString('latin1');
      if (/^\d{3}[ -]/.test(head)) {
        finish({ mode: 'starttls', evidence: 'the server greeted in clear, as STARTTLS ports do' });
      } else {
        finish(cannotTell(host, port, `it sent ${quoteUntrusted(head.slice(0, 20))}, not SMTP`));
      }
    });
    socket.once('end', () => finish(cannotTell(host, port, 'it closed the connection at once')));
    socket.once('error', (err) => {
      finish(
        tlsOrNetworkError(err, { host, port, implicitTls: false }) ??
          new SealpostError('ECONNLOST', `Connection to ${host}:${port} failed.`, {
            cause: err,
            details: { host, port },
          }),
      );
    });
  });
}

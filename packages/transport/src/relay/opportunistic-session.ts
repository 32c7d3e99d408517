/**
 * An SMTP session to an MX host without an enforced policy: STARTTLS when the server offers
 * it (RFC 3207), TLS ≥ 1.2, the certificate checked and its verdict recorded rather than
 * enforced (RFC 8461 §5 "testing", RFC 7435 opportunistic security). A failed handshake is an
 * error, never a silent retry in cleartext: that retry is exactly what an attacker provokes.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { SealpostError } from '@sealpost/errors';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { tlsOrNetworkError } from '../connection-errors.js';
import { type CertificateSummary, summariseCertificate } from '../report.js';
import { type SmtpSession, type SmtpTimeouts, startSession } from '../smtp-session.js';

/** How a relay connection was protected, verified or not. */
export interface RelayTlsFacts {
  readonly version: string;
  readonly cipher: string;
  readonly certificate: CertificateSummary | null;
  /** Chain to a trusted CA and a name matching the MX host (RFC 8461 §4.2). */
  readonly verified: boolean;
  /** Why verification failed, e.g. "ERR_TLS_CERT_ALTNAME_INVALID"; null when verified. */
  readonly verificationError: string | null;
}

export interface OpportunisticTarget {
  /** MX host name: sent as SNI, and the name the certificate is checked against. */
  readonly mxHost: string;
  readonly address: string;
  readonly port: number;
  readonly ca?: string | readonly string[];
  readonly clientName?: string;
  readonly timeouts?: SmtpTimeouts;
}

export interface OpportunisticSession {
  readonly session: SmtpSession;
  readonly tls: RelayTlsFacts | null;
  /** True when the server did not offer STARTTLS at all. */
  readonly starttlsOffered: boolean;
}

const DEFAULTS = { connectMs: 15_000, greetingMs: 15_000, socketMs: 60_000 };

function connectTcp(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new SealpostError(
          'ETIMEDOUT',
          `${address}:${port} did not accept the connection within ${timeoutMs} ms.`,
          {
            details: { host: address, port },
          },
        ),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(tlsOrNetworkError(err, { host: address, port, implicitTls: false }) ?? err);
    });
  });
}

export async function openOpportunisticSession(
  target: OpportunisticTarget,
): Promise<OpportunisticSession> {
  const started = performance.now();
  const timeouts = { ...DEFAULTS, ...target.timeouts };
  const ctx = { host: target.address, port: target.port, implicitTls: false };
  const socket = await connectTcp(target.address, target.port, timeouts.connectMs);
  const connection = new SMTPConnection({
    host: target.address,
    port: target.port,
    connection: socket,
    secure: false,
    // STARTTLS when offered; nodemailer then fails (instead of continuing in cleartext) when
    // the upgrade itself fails, because opportunisticTLS stays off.
    requireTLS: false,
    ignoreTLS: false,
    tls: {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: false,
      ...(isIP(target.mxHost) === 0 ? { servername: target.mxHost } : {}),
      ...(target.ca === undefined ? {} : { ca: [target.ca].flat() }),
    },
    greetingTimeout: timeouts.greetingMs,
    connectionTimeout: timeouts.connectMs + timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    socketCloseTimeout: 1_000,
    logger: false,
    ...(target.clientName === undefined ? {} : { name: target.clientName }),
  });
  const session = await startSession(
    { host: target.address, port: target.port, mode: 'starttls', servername: target.mxHost },
    connection,
    ctx,
  );

  const internals = connection as unknown as {
    _socket: Socket;
    _supportedExtensions: string[];
    _ehloLines?: string[];
  };
  const capabilities = [...(internals._ehloLines ?? internals._supportedExtensions)];
  const tlsSocket = internals._socket;
  let tls: RelayTlsFacts | null = null;
  if (connection.secure && tlsSocket instanceof TLSSocket) {
    // With rejectUnauthorized off, Node still runs the chain and host name checks and records
    // the verdict in `authorized` / `authorizationError`.
    tls = {
      version: tlsSocket.getProtocol() ?? 'unknown',
      cipher: tlsSocket.getCipher()?.name ?? 'unknown',
      certificate: summariseCertificate(tlsSocket.getPeerCertificate()),
      verified: tlsSocket.authorized,
      verificationError: tlsSocket.authorized
        ? null
        : String(tlsSocket.authorizationError ?? 'unverified'),
    };
  }
  const mode = tls ? 'starttls' : 'none';
  Object.assign(session, {
    endpoint: { ...session.endpoint, mode, allowCleartext: tls === null },
    capabilities,
    connectMs: performance.now() - started,
  });
  return { session, tls, starttlsOffered: tls !== null };
}

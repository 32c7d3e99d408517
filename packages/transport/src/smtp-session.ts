/**
 * One authenticated SMTP submission session (RFC 6409) over implicit TLS (RFC 8314 §3.3) or
 * STARTTLS (RFC 3207). We open the socket ourselves so that we can read the TLS version,
 * cipher and certificate, and map TLS failures to our codes (docs/decisions/0021).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { SealpostError } from '@sealpost/errors';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { type FailureContext, smtpFailure, tlsOrNetworkError } from './connection-errors.js';
import { describeTlsSocket, type TlsReport, type TransportMode } from './report.js';
import { ehloAfterSessionTicket } from './session-ticket.js';
import { hasPins, type TlsTrustOptions, tlsConnectionOptions } from './tls-policy.js';

/** SASL credentials. The password is used for AUTH only and never reported or logged. */
export interface SmtpAuth {
  readonly user: string;
  readonly pass: string;
  /** e.g. "PLAIN" or "LOGIN"; default: the first the server offers. */
  readonly method?: string;
}

export interface SmtpTimeouts {
  /** TCP connect and TLS handshake (implicit TLS). Default 15 s. */
  readonly connectMs?: number;
  /** Waiting for the 220 greeting. Default 15 s. */
  readonly greetingMs?: number;
  /** Any later silence of the server. Default 60 s. */
  readonly socketMs?: number;
}

export interface SmtpEndpoint extends TlsTrustOptions {
  readonly host: string;
  readonly port: number;
  readonly mode: TransportMode;
  /**
   * Must be true to use mode "none" (cleartext, e.g. a local test relay). Never allows AUTH:
   * credentials are only ever sent inside TLS.
   */
  readonly allowCleartext?: boolean;
  readonly auth?: SmtpAuth;
  /** The name sent with EHLO. Default: nodemailer's host name guess. */
  readonly clientName?: string;
  readonly timeouts?: SmtpTimeouts;
}

/** An open session, ready for MAIL FROM. */
export interface SmtpSession {
  readonly endpoint: SmtpEndpoint;
  readonly connection: SMTPConnection;
  readonly tls: TlsReport | null;
  readonly auth: { readonly mechanism: string; readonly user: string } | null;
  readonly capabilities: readonly string[];
  /** performance.now() when opening began (a session opened ahead starts before its send). */
  readonly openedAt: number;
  readonly connectMs: number;
  readonly authMs: number;
  /** Messages already sent on this session. */
  messages: number;
  /** Set when the connection failed or ended; the session must not be reused. */
  broken: boolean;
}

/** nodemailer keeps these on the instance without declaring them. */
interface SmtpConnectionInternals {
  _socket: Socket | false | null;
  _supportedExtensions: string[];
  /** The last EHLO reply's lines without codes and without the greeting line. */
  _ehloLines?: string[];
  _supportedAuth: string[];
  _authMethod?: string | false;
}

function internals(conn: SMTPConnection): SmtpConnectionInternals {
  return conn as unknown as SmtpConnectionInternals;
}

const DEFAULTS = { connectMs: 15_000, greetingMs: 15_000, socketMs: 60_000 };

function failureContext(endpoint: SmtpEndpoint): FailureContext {
  return {
    host: endpoint.host,
    port: endpoint.port,
    implicitTls: endpoint.mode === 'implicit-tls',
  };
}

/** Why an open ends early: the transport was closed (e.g. the build failed) before it was ready. */
function closedEarly(endpoint: SmtpEndpoint): SealpostError {
  return new SealpostError(
    'ECONFIG',
    `The transport was closed before the session with ${endpoint.host}:${endpoint.port} was ready; nothing was sent.`,
  );
}

/**
 * Settles as `work` does, or rejects at once when `signal` aborts, after `stop` has torn the
 * connection down (a session opened ahead and no longer wanted must not wait for its timeouts).
 */
function unlessAborted<T>(
  work: Promise<T>,
  endpoint: SmtpEndpoint,
  stop: () => void,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      stop();
      reject(closedEarly(endpoint));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** TCP connect (and for implicit TLS the handshake) within `connectMs`. */
function openSocket(
  endpoint: SmtpEndpoint,
  connectMs: number,
  signal?: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const ctx = failureContext(endpoint);
    let settled = false;
    const onAbort = () => finish(closedEarly(endpoint));
    const finish = (err: SealpostError | undefined, socket?: Socket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        tcp.destroy();
        reject(err);
      } else resolve(socket!);
    };
    const timer = setTimeout(() => {
      finish(
        new SealpostError(
          'ETIMEDOUT',
          `${endpoint.host}:${endpoint.port} did not ${endpoint.mode === 'implicit-tls' ? 'complete the TLS handshake' : 'accept the connection'} within ${connectMs} ms.`,
          { details: { host: endpoint.host, port: endpoint.port } },
        ),
      );
    }, connectMs);
    const onError = (err: Error) =>
      finish(
        tlsOrNetworkError(err, ctx) ??
          new SealpostError(
            'ECONNLOST',
            `Connection to ${endpoint.host}:${endpoint.port} failed: ${err.message}`,
            { cause: err },
          ),
      );
    const tcp = netConnect({ host: endpoint.host, port: endpoint.port });
    tcp.once('error', onError);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    tcp.once('connect', () => {
      if (endpoint.mode !== 'implicit-tls') {
        tcp.removeListener('error', onError);
        finish(undefined, tcp);
        return;
      }
      const secure = tlsConnect({ ...tlsConnectionOptions(endpoint.host, endpoint), socket: tcp });
      // A peer that closes during the handshake without an alert still must not hang us.
      const onClose = () =>
        onError(
          Object.assign(new Error('closed during the TLS handshake'), { code: 'ECONNRESET' }),
        );
      secure.once('error', onError);
      secure.once('close', onClose);
      secure.once('secureConnect', () => {
        secure.removeListener('error', onError);
        secure.removeListener('close', onClose);
        finish(undefined, secure);
      });
    });
  });
}

/**
 * Connects an SMTPConnection (greeting, EHLO and, per its options, STARTTLS) and wraps it in a
 * session record that notices when the connection breaks. No trust decision is made here: the
 * caller checks the TLS state before anything is sent.
 */
export async function startSession(
  endpoint: SmtpEndpoint,
  conn: SMTPConnection,
  ctx: FailureContext,
  signal?: AbortSignal,
): Promise<SmtpSession> {
  const session: SmtpSession = {
    endpoint,
    connection: conn,
    tls: null,
    auth: null,
    capabilities: [],
    openedAt: performance.now(),
    connectMs: 0,
    authMs: 0,
    messages: 0,
    broken: false,
  };
  // nodemailer emits 'error' and also hands the error to the pending callback; without a
  // listener the emit would throw.
  conn.on('error', () => {
    session.broken = true;
  });
  conn.on('end', () => {
    session.broken = true;
  });
  // After STARTTLS, EHLO waits for the TLS 1.3 session ticket (~40 ms less against Postfix).
  ehloAfterSessionTicket(conn);
  const connected = new Promise<void>((resolve, reject) => {
    conn.once('error', reject);
    conn.connect((err) => {
      conn.removeListener('error', reject);
      if (err) reject(err);
      else resolve();
    });
  }).catch((err: unknown) => {
    conn.close();
    throw smtpFailure(err, ctx);
  });
  await unlessAborted(connected, endpoint, () => conn.close(), signal);
  return session;
}

export interface OpenSessionOptions {
  /**
   * Aborting it tears down a session still being opened (the socket is destroyed, nothing
   * more is said) and rejects; a transport's close() does this to a session opened ahead.
   */
  readonly signal?: AbortSignal;
}

/**
 * Opens, secures and (when credentials are given) authenticates a session: connect, greeting,
 * EHLO, STARTTLS (RFC 3207) with full verification, EHLO again, AUTH (RFC 4954). Never MAIL.
 */
export async function openSession(
  endpoint: SmtpEndpoint,
  options: OpenSessionOptions = {},
): Promise<SmtpSession> {
  const { signal } = options;
  if (signal?.aborted) throw closedEarly(endpoint);
  const started = performance.now();
  const timeouts = { ...DEFAULTS, ...endpoint.timeouts };
  const ctx = failureContext(endpoint);
  if (endpoint.mode === 'none') {
    if (!endpoint.allowCleartext) {
      throw new SealpostError(
        'ECONFIG',
        'Cleartext SMTP (mode "none") needs allowCleartext: true.',
      );
    }
    if (endpoint.auth) {
      throw new SealpostError('ECONFIG', 'Credentials are never sent without TLS (mode "none").');
    }
  }
  const socket = await openSocket(endpoint, timeouts.connectMs, signal);
  const conn = new SMTPConnection({
    host: endpoint.host,
    port: endpoint.port,
    connection: socket,
    secure: endpoint.mode === 'implicit-tls',
    secured: endpoint.mode === 'implicit-tls',
    // On a STARTTLS port TLS is required (RFC 8314 §3.3 / docs/design.md §2): nodemailer then sends
    // STARTTLS even when the EHLO reply does not list it, and fails on anything but 220.
    requireTLS: endpoint.mode === 'starttls',
    ignoreTLS: endpoint.mode === 'none',
    tls: tlsConnectionOptions(endpoint.host, endpoint),
    greetingTimeout: timeouts.greetingMs,
    connectionTimeout: timeouts.connectMs + timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    socketCloseTimeout: 1_000,
    logger: false,
    ...(endpoint.clientName === undefined ? {} : { name: endpoint.clientName }),
  });
  const session = await startSession(endpoint, conn, ctx, signal);
  const tls = assertProtected(conn, endpoint);
  const connectMs = performance.now() - started;
  const capabilities = [...(internals(conn)._ehloLines ?? internals(conn)._supportedExtensions)];
  let auth: SmtpSession['auth'] = null;
  let authMs = 0;
  if (endpoint.auth) {
    const authStarted = performance.now();
    auth = await unlessAborted(
      login(conn, endpoint, endpoint.auth),
      endpoint,
      () => conn.close(),
      signal,
    );
    authMs = performance.now() - authStarted;
  }
  if (signal?.aborted) {
    conn.close();
    throw closedEarly(endpoint);
  }
  return Object.assign(session, { openedAt: started, tls, auth, capabilities, connectMs, authMs });
}

/**
 * The last line of defence before anything that matters is sent: the socket must be TLS,
 * TLS ≥ 1.2, and authorized (chain + host name, and pin when given).
 */
function assertProtected(conn: SMTPConnection, endpoint: SmtpEndpoint): TlsReport | null {
  if (endpoint.mode === 'none') return null;
  const socket = internals(conn)._socket;
  if (!(socket instanceof TLSSocket) || !socket.encrypted || !conn.secure) {
    conn.close();
    throw new SealpostError(
      'ESTARTTLS',
      `The session with ${endpoint.host}:${endpoint.port} is not protected by TLS; refusing to continue.`,
    );
  }
  const version = socket.getProtocol();
  if (!socket.authorized || (version !== 'TLSv1.2' && version !== 'TLSv1.3')) {
    conn.close();
    throw new SealpostError(
      'ETLS',
      `The TLS session with ${endpoint.host}:${endpoint.port} is not verified (${String(socket.authorizationError ?? version)}).`,
    );
  }
  return describeTlsSocket(socket, hasPins(endpoint));
}

async function login(
  conn: SMTPConnection,
  endpoint: SmtpEndpoint,
  auth: SmtpAuth,
): Promise<{ mechanism: string; user: string }> {
  const offered = internals(conn)._supportedAuth.map((m) => m.toUpperCase());
  const wanted = auth.method?.toUpperCase();
  if (!conn.allowsAuth || offered.length === 0 || (wanted && !offered.includes(wanted))) {
    conn.close();
    throw new SealpostError(
      'EAUTH_UNSUPPORTED',
      `${endpoint.host}:${endpoint.port} offers AUTH [${offered.join(' ')}]${wanted ? `, not ${wanted}` : ''}.`,
      { details: { offered } },
    );
  }
  // Defence in depth: nodemailer would authenticate on whatever socket it has.
  assertProtected(conn, endpoint);
  await new Promise<void>((resolve, reject) => {
    conn.login(
      { user: auth.user, pass: auth.pass, ...(wanted ? { method: wanted } : {}) },
      (err) => (err ? reject(err) : resolve()),
    );
  }).catch((err: unknown) => {
    conn.close();
    throw smtpFailure(err, failureContext(endpoint));
  });
  return { mechanism: String(internals(conn)._authMethod || wanted || ''), user: auth.user };
}

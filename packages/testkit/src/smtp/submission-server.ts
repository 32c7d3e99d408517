/**
 * An embedded submission server (RFC 6409) on 127.0.0.1 with the test CA's certificate, on
 * implicit TLS (RFC 8314) or STARTTLS (RFC 3207), with AUTH PLAIN/LOGIN. It records what it
 * received so tests can check the bytes, the envelope and how the session was protected.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** Leaf + intermediates/CA as the server presents them. Default: certPem. */
  readonly chainPem?: string;
}

export interface ReceivedMessage {
  readonly from: string;
  readonly to: readonly string[];
  /** The message bytes (empty when the server was told not to keep them). */
  readonly raw: Buffer;
  /** Bytes received, kept or not. */
  readonly size: number;
  /** True when the session was TLS-protected when the message arrived. */
  readonly secure: boolean;
  readonly tlsProtocol: string | null;
  readonly user: string | null;
}

export interface SubmissionServerOptions {
  readonly mode: 'implicit-tls' | 'starttls' | 'none';
  readonly certificate?: ServerCertificate;
  /** user → password. AUTH is required when given. */
  readonly users?: Readonly<Record<string, string>>;
  readonly authMethods?: readonly string[];
  /** Reject a recipient with this reply (e.g. "550 5.1.1 no such user"), or accept it. */
  readonly rcptReply?: (address: string) => { code: number; message: string } | undefined;
  /** Answer the end of DATA with this failure instead of accepting the message. */
  readonly dataReply?: { code: number; message: string };
  /** TLS protocol bounds of the server, e.g. to emulate a TLS 1.0/1.1-only peer. */
  readonly minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  readonly maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  readonly size?: number;
  /** Keep each message's bytes (default true); false only counts them (large-message tests). */
  readonly keepData?: boolean;
}

export interface RunningSubmissionServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly messages: ReceivedMessage[];
  /** Every AUTH attempt: user, method, and whether the session was TLS-protected then. */
  readonly logins: Array<{ user: string; method: string; secure: boolean }>;
  /**
   * Every command's verb in arrival order ("EHLO", "STARTTLS", "AUTH", "MAIL", "QUIT", …) with
   * the session it came on: enough to show that no MAIL was sent, never the arguments.
   */
  readonly commands: Array<{ session: string; verb: string }>;
  /** Sessions the server accepted, and those that ended (with or without QUIT). */
  readonly sessions: { opened: number; closed: number };
  close(): Promise<void>;
}

/** smtp-server logs each client command at debug level as { tnx: 'command', cid, command }. */
function commandRecorder(commands: RunningSubmissionServer['commands']) {
  const quiet = () => {};
  return {
    trace: quiet,
    info: quiet,
    warn: quiet,
    error: quiet,
    fatal: quiet,
    debug(meta: { tnx?: string; cid?: string; command?: string }) {
      if (meta?.tnx === 'command' && meta.command)
        commands.push({ session: meta.cid ?? '', verb: meta.command.toUpperCase() });
    },
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSubmissionServer(
  options: SubmissionServerOptions,
): Promise<RunningSubmissionServer> {
  const messages: ReceivedMessage[] = [];
  const logins: RunningSubmissionServer['logins'] = [];
  const commands: RunningSubmissionServer['commands'] = [];
  const sessions = { opened: 0, closed: 0 };
  const users = options.users;
  const cert = options.certificate;
  const server = new SMTPServer({
    secure: options.mode === 'implicit-tls',
    ...(cert ? { key: cert.keyPem, cert: cert.chainPem ?? cert.certPem } : {}),
    ...(options.minVersion ? { minVersion: options.minVersion } : {}),
    ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
    // An old-protocol peer also needs old ciphers allowed by OpenSSL's security level.
    ...(options.maxVersion === 'TLSv1' || options.maxVersion === 'TLSv1.1'
      ? { ciphers: 'DEFAULT@SECLEVEL=0' }
      : {}),
    hideSTARTTLS: options.mode !== 'starttls',
    disabledCommands: options.mode === 'none' ? ['STARTTLS'] : [],
    authOptional: users === undefined,
    authMethods: [...(options.authMethods ?? ['PLAIN', 'LOGIN'])],
    disableReverseLookup: true,
    closeTimeout: 500,
    logger: commandRecorder(commands) as never,
    banner: 'sealpost test submission server',
    ...(options.size ? { size: options.size } : {}),
    onConnect(_session, callback) {
      sessions.opened += 1;
      callback();
    },
    onClose() {
      sessions.closed += 1;
    },
    onAuth(auth, session, callback) {
      const user = auth.username ?? '';
      logins.push({ user, method: auth.method, secure: session.secure });
      if (users && Object.hasOwn(users, user) && users[user] === auth.password) {
        callback(null, { user });
      } else {
        callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      }
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      const reply = options.rcptReply?.(address.address);
      callback(reply ? smtpError(reply.code, reply.message) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (options.keepData !== false) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (options.dataReply) {
          callback(smtpError(options.dataReply.code, options.dataReply.message));
          return;
        }
        const mailFrom = session.envelope.mailFrom;
        messages.push({
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          size,
          secure: session.secure,
          tlsProtocol: session.tlsOptions ? session.tlsOptions.version : null,
          user: typeof session.user === 'string' ? session.user : null,
        });
        callback(null, `Ok: queued as TEST${messages.length}`);
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    messages,
    logins,
    commands,
    sessions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

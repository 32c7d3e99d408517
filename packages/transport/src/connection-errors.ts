/**
 * Turns socket, TLS and SMTP failures into SealpostErrors with our codes. nodemailer reports
 * a bad certificate as ESOCKET (docs/toolchain.md), so the underlying OpenSSL / Node code decides.
 * SMTP reply classes follow RFC 5321 §4.2.1 (4yz transient, 5yz permanent).
 */
import { type ErrorCode, quoteUntrusted, SealpostError } from '@sealpost/errors';
import { PIN_MISMATCH } from './tls-policy.js';

const CERTIFICATE_CODES: Readonly<Record<string, ErrorCode>> = {
  CERT_HAS_EXPIRED: 'ECERT_EXPIRED',
  CERT_NOT_YET_VALID: 'ECERT_NOT_YET_VALID',
  ERR_TLS_CERT_ALTNAME_INVALID: 'ECERT_HOSTNAME',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'ECERT_SELF_SIGNED',
  SELF_SIGNED_CERT_IN_CHAIN: 'ECERT_UNTRUSTED',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'ECERT_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT: 'ECERT_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'ECERT_UNTRUSTED',
  CERT_UNTRUSTED: 'ECERT_UNTRUSTED',
  CERT_SIGNATURE_FAILURE: 'ECERT_UNTRUSTED',
  CERT_REJECTED: 'ECERT_UNTRUSTED',
  INVALID_CA: 'ECERT_UNTRUSTED',
  [PIN_MISMATCH]: 'ECERT_PIN',
};

/** OpenSSL says these when the peer only speaks TLS < 1.2 (or we refuse its version). */
const VERSION_CODES = new Set([
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_VERSION_TOO_LOW',
  'ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY',
]);

/** OpenSSL says these when the "TLS record" it got is really cleartext (e.g. "220 …"). */
const CLEARTEXT_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_RECORD_LAYER_FAILURE',
]);

const NETWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  ECONNREFUSED: 'ECONNREFUSED',
  ETIMEDOUT: 'ETIMEDOUT',
  ENOTFOUND: 'EUNREACHABLE',
  EAI_AGAIN: 'EUNREACHABLE',
  EHOSTUNREACH: 'EUNREACHABLE',
  ENETUNREACH: 'EUNREACHABLE',
  EADDRNOTAVAIL: 'EUNREACHABLE',
  ECONNRESET: 'ECONNLOST',
  EPIPE: 'ECONNLOST',
};

interface NodeishError extends Error {
  code?: string;
  originalCode?: string;
  reason?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  rejected?: string[];
  rejectedErrors?: NodeishError[];
}

/** The TLS or network code under nodemailer's own (ESOCKET, ECONNECTION, ETLS). */
function lowLevelCode(err: NodeishError): string | undefined {
  return err.originalCode ?? err.code;
}

export interface FailureContext {
  readonly host: string;
  readonly port: number;
  /** True on an implicit-TLS port: a cleartext answer is ETLS_CLEARTEXT, not ETLS. */
  readonly implicitTls: boolean;
  /** True once every byte of the message had been handed to the connection (end of DATA). */
  readonly dataComplete?: boolean;
}

/** Maps a TLS handshake or socket error, or returns undefined when it is neither. */
export function tlsOrNetworkError(err: unknown, ctx: FailureContext): SealpostError | undefined {
  const e = err as NodeishError;
  const code = lowLevelCode(e) ?? '';
  const where = `${ctx.host}:${ctx.port}`;
  const certCode = CERTIFICATE_CODES[code];
  if (certCode) {
    return new SealpostError(certCode, `TLS certificate of ${where} rejected: ${e.message}`, {
      cause: err,
      details: { host: ctx.host, port: ctx.port, tlsError: code },
    });
  }
  if (VERSION_CODES.has(code)) {
    return new SealpostError(
      'ETLS_VERSION',
      `${where} does not speak TLS 1.2 or newer (${code}); sealpost does not downgrade.`,
      { cause: err, details: { host: ctx.host, port: ctx.port, tlsError: code } },
    );
  }
  if (CLEARTEXT_CODES.has(code)) {
    return ctx.implicitTls
      ? new SealpostError(
          'ETLS_CLEARTEXT',
          `${where} answered in cleartext on an implicit-TLS port; nothing was sent.`,
          { cause: err, details: { host: ctx.host, port: ctx.port, tlsError: code } },
        )
      : new SealpostError('ETLS', `TLS handshake with ${where} failed (${code}).`, {
          cause: err,
          details: { host: ctx.host, port: ctx.port, tlsError: code },
        });
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return new SealpostError('ETLS', `TLS handshake with ${where} failed (${code}).`, {
      cause: err,
      details: { host: ctx.host, port: ctx.port, tlsError: code },
    });
  }
  const netCode = NETWORK_CODES[code];
  if (netCode) {
    return new SealpostError(netCode, `Could not connect to ${where}: ${code}.`, {
      cause: err,
      details: { host: ctx.host, port: ctx.port },
    });
  }
  return undefined;
}

function replyClass(responseCode: number | undefined): 'temp' | 'perm' | undefined {
  if (responseCode === undefined) return undefined;
  if (responseCode >= 400 && responseCode < 500) return 'temp';
  if (responseCode >= 500 && responseCode < 600) return 'perm';
  return undefined;
}

/** Maps anything nodemailer's SMTPConnection reports to one SealpostError. */
export function smtpFailure(err: unknown, ctx: FailureContext): SealpostError {
  if (err instanceof SealpostError) return err;
  const e = err as NodeishError;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = typeof e.response === 'string' ? e.response : undefined;
  const command = typeof e.command === 'string' ? e.command : undefined;
  const smtp = {
    cause: err,
    ...(command === undefined ? {} : { command }),
    ...(responseCode === undefined ? {} : { responseCode }),
    ...(response === undefined ? {} : { response }),
  };
  const where = `${ctx.host}:${ctx.port}`;
  const shown = response === undefined ? '' : `: ${quoteUntrusted(response, 200)}`;

  // After the last byte of DATA only a reply tells whether the server took the message; a lost
  // connection or a timeout leaves it unknown (RFC 5321 §4.1.1.4 and §6.1).
  if (ctx.dataComplete && responseCode === undefined) {
    return new SealpostError(
      'EAMBIGUOUS',
      `The connection to ${where} ended after the message was sent but before the server answered; it may or may not have been accepted.`,
      { ...smtp, details: { host: ctx.host, port: ctx.port } },
    );
  }
  if (command === 'STARTTLS' || /STARTTLS/.test(e.message ?? '')) {
    const low = tlsOrNetworkError(err, { ...ctx, implicitTls: false });
    if (low && low.code !== 'ECONNREFUSED') return low;
    // No responseCode on purpose: a 454 would make the error "transient" (RFC 5321 §4.2.1),
    // but a refused or stripped STARTTLS is a hard stop (docs/design.md §4), not something to retry.
    const { responseCode: replyCode, ...rest } = smtp;
    return new SealpostError(
      'ESTARTTLS',
      `${where} did not start TLS after STARTTLS${shown}. Possible STARTTLS stripping; nothing was sent in cleartext.`,
      { ...rest, details: { host: ctx.host, port: ctx.port, replyCode: replyCode ?? null } },
    );
  }
  if (e.code === 'ETIMEDOUT' && (e as { timeoutType?: string }).timeoutType === 'UPGRADE_TIMEOUT') {
    // The server said yes to STARTTLS and then never finished the handshake: a TLS failure,
    // not a filtered port, so selection stops instead of trying the next port.
    return new SealpostError('ETLS', `The TLS handshake with ${where} after STARTTLS timed out.`, {
      ...smtp,
      details: { host: ctx.host, port: ctx.port },
    });
  }
  const low = tlsOrNetworkError(err, ctx);
  if (low) return low;
  if (e.code === 'ETIMEDOUT') {
    return new SealpostError('ETIMEDOUT', `${where} did not answer in time.`, {
      ...smtp,
      details: { host: ctx.host, port: ctx.port },
    });
  }
  if (e.code === 'EAUTH') {
    return new SealpostError('EAUTH', `${where} rejected the login${shown}.`, smtp);
  }
  if (e.code === 'EENVELOPE' && command === 'RCPT TO') {
    const rejected = (e.rejected ?? []).map((address, i) => ({
      address,
      response: e.rejectedErrors?.[i]?.response ?? '',
    }));
    return new SealpostError(
      'ERECIPIENT',
      `${where} rejected ${rejected.length} recipient(s): ${rejected.map((r) => quoteUntrusted(r.address)).join(', ')}${shown}. Nothing was sent.`,
      { ...smtp, details: { host: ctx.host, port: ctx.port, rejected } },
    );
  }
  if (e.code === 'EPROTOCOL') {
    return new SealpostError('EPROTOCOL', `${where} broke the SMTP protocol${shown}.`, smtp);
  }
  const cls = replyClass(responseCode);
  if (cls === 'temp') {
    return new SealpostError(
      'ETEMPFAIL',
      `${where} answered ${command ?? 'the session'} with a temporary failure${shown}.`,
      smtp,
    );
  }
  if (cls === 'perm') {
    return new SealpostError(
      command === 'DATA' ? 'EREJECTED' : 'EPERMFAIL',
      `${where} answered ${command ?? 'the session'} with a permanent failure${shown}.`,
      smtp,
    );
  }
  if (e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'ECONNRESET') {
    return new SealpostError(
      'ECONNLOST',
      `The connection to ${where} ended before the message was sent: ${e.message}`,
      smtp,
    );
  }
  return new SealpostError(
    'EPROTOCOL',
    `The SMTP session with ${where} failed: ${e.message}`,
    smtp,
  );
}

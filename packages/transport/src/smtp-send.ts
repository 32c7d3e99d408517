/**
 * One mail transaction (RFC 5321 §3.3: MAIL FROM, RCPT TO, DATA) on an open session. The
 * message is streamed, never buffered; a lost connection after the end of DATA is ambiguous.
 */
import { PassThrough, Readable } from 'node:stream';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { smtpFailure } from './connection-errors.js';
import { useFastDataStream } from './data-dot-stuffing.js';
import { ehloKeyword, ehloSize } from './ehlo-keywords.js';
import type { SendInput } from './envelope.js';
import { formatOctets } from './octets.js';
import { parseQueueId, type TransportReport } from './report.js';
import type { SmtpSession } from './smtp-session.js';

/** RFC 5321 §4.1.2 Path: no CR, LF, NUL, angle brackets or spaces can reach the wire. */
const UNSAFE_PATH = /[\r\n\0<>\s]/;

export function checkEnvelope(input: SendInput): void {
  const { from, to } = input.envelope;
  if (to.length === 0) {
    throw new SealpostError('EADDRESS', 'The envelope has no recipients.');
  }
  for (const address of [from, ...to]) {
    if (UNSAFE_PATH.test(address) || (address !== from && !address.includes('@'))) {
      throw new SealpostError(
        'EADDRESS',
        `Refusing envelope address ${quoteUntrusted(address)}: it cannot be sent as an SMTP path.`,
      );
    }
  }
}

function offers(session: SmtpSession, keyword: string): boolean {
  return ehloKeyword(session.capabilities, keyword) !== undefined;
}

/**
 * What the server must offer for this message, checked before MAIL FROM so the reason is ours
 * and not a server's puzzling reply: SMTPUTF8 for a non-ASCII address (RFC 6531 §3.4), and a
 * size limit (RFC 1870 SIZE) the message fits in.
 */
export function checkExtensions(session: SmtpSession, input: SendInput): void {
  const { host, port } = session.endpoint;
  if (input.envelope.smtputf8 && !offers(session, 'SMTPUTF8')) {
    throw new SealpostError(
      'ESMTPUTF8',
      `${host}:${port} does not offer SMTPUTF8, which an address of this message needs (RFC 6531); nothing was sent.`,
      { details: { host, port } },
    );
  }
  const limit = ehloSize(session.capabilities);
  if (limit && input.size !== undefined && input.size > limit) {
    throw new SealpostError(
      'ETOOBIG',
      `${host}:${port} takes messages of at most ${formatOctets(limit)}, as its EHLO says (SIZE, RFC 1870); this one has ${formatOctets(input.size)}. Nothing was sent.`,
      { details: { host, port, limit, size: input.size } },
    );
  }
}

interface NodemailerCommands {
  _sendCommand(str: string, logStr?: string): void;
}

/**
 * nodemailer appends SMTPUTF8 to MAIL FROM only when an address is not ASCII (its
 * `_setEnvelope`, 10.6); a message whose header section is UTF-8 (RFC 6532) needs it too. For
 * this one transaction, the MAIL FROM line gets the keyword when nodemailer left it off.
 * Returns the undo. src/smtp-extensions.test.ts fails if the hook stops working.
 */
function declareSmtpUtf8(session: SmtpSession): () => void {
  const conn = session.connection as unknown as NodemailerCommands;
  const own = Object.hasOwn(conn, '_sendCommand');
  const original = conn._sendCommand;
  const undo = () => {
    if (own) conn._sendCommand = original;
    else delete (conn as Partial<NodemailerCommands>)._sendCommand;
  };
  conn._sendCommand = function (this: unknown, str: string, logStr?: string) {
    if (/^MAIL FROM:/i.test(str)) {
      undo();
      if (!/\sSMTPUTF8(\s|$)/i.test(str)) return original.call(this, `${str} SMTPUTF8`, logStr);
    }
    return original.call(this, str, logStr);
  };
  return undo;
}

interface NodemailerEnvelopeState {
  _envelope: {
    rejected: string[];
    rejectedErrors: Array<{ response?: string }>;
    mailError?: Error;
  };
  _envelopeError(str: string): Error | null;
}

/**
 * nodemailer sends DATA when at least one recipient was accepted. We send to all or to none
 * (a partial delivery is a surprise, and Bcc splitting happens above us): after the last RCPT
 * reply, any rejection fails the transaction before the message is sent. nodemailer 10.6 decides this in
 * `_envelopeError`; src/smtp-transport.test.ts fails if that hook stops working.
 */
function refusePartialEnvelopes(session: SmtpSession): void {
  const conn = session.connection as unknown as NodemailerEnvelopeState;
  if (Object.hasOwn(conn, '_envelopeError')) return;
  const original = conn._envelopeError.bind(conn);
  conn._envelopeError = (str: string) => {
    const err = original(str);
    if (err) return err;
    const envelope = conn._envelope;
    if (envelope.rejected.length === 0) return null;
    const first = envelope.rejectedErrors[0]?.response ?? str;
    // With PIPELINING, DATA already went out and may have got 354; as `mailError`, nodemailer
    // then drops the connection instead of sending the final "." (nothing is delivered).
    envelope.mailError = Object.assign(new Error('Some recipients were rejected'), {
      code: 'EENVELOPE',
      command: 'RCPT TO',
      response: first,
      responseCode: Number(/^\d{3}/.exec(first)?.[0]) || undefined,
      rejected: [...envelope.rejected],
      rejectedErrors: [...envelope.rejectedErrors],
    });
    return envelope.mailError;
  };
}

interface SendInfo {
  accepted: string[];
  rejected: string[];
  rejectedErrors?: Array<{ recipient?: string; response?: string }>;
  response: string;
  envelopeTime: number;
  messageTime: number;
  messageSize: number;
}

/** Sends one message on the session and builds its report. */
export async function sendOnSession(
  session: SmtpSession,
  input: SendInput,
  startedAt: number,
  opened: boolean,
  partialDelivery = false,
): Promise<TransportReport> {
  try {
    checkEnvelope(input);
    checkExtensions(session, input);
    if (!partialDelivery) refusePartialEnvelopes(session);
  } catch (err) {
    // Refused before MAIL FROM: the stream given is never read, so it is closed here (a file
    // left open per refused message would pile up in a long-running worker).
    if (input.raw instanceof Readable) input.raw.destroy();
    throw err;
  }
  const { endpoint } = session;
  let dataComplete = false;
  const body = new PassThrough();
  body.once('end', () => {
    dataComplete = true;
  });
  if (input.raw instanceof Readable) {
    input.raw.once('error', (err) => body.destroy(err));
    input.raw.pipe(body);
  } else {
    body.end(Buffer.from(input.raw.buffer, input.raw.byteOffset, input.raw.byteLength));
  }
  let info: SendInfo;
  useFastDataStream(session.connection, input.crlfChecked === true);
  const undoSmtpUtf8 = input.envelope.smtputf8 ? declareSmtpUtf8(session) : () => {};
  try {
    info = await new Promise<SendInfo>((resolve, reject) => {
      // nodemailer adds SMTPUTF8 to MAIL FROM itself when an address is not ASCII and the server
      // offers it (checked above); BODY=8BITMIME only when asked and offered (RFC 6152).
      session.connection.send(
        {
          from: input.envelope.from,
          to: [...input.envelope.to],
          ...(input.envelope.eightBitMime ? { use8BitMime: true } : {}),
          // MAIL FROM says SIZE=n when the server offers the extension (RFC 1870 §6).
          ...(input.size !== undefined ? { size: input.size } : {}),
        },
        body,
        (err, result) => (err ? reject(err) : resolve(result as unknown as SendInfo)),
      );
    });
  } catch (err) {
    const mapped = smtpFailure(err, {
      host: endpoint.host,
      port: endpoint.port,
      implicitTls: endpoint.mode === 'implicit-tls',
      dataComplete,
    });
    // A refused envelope or message leaves the session usable (RSET follows); anything else
    // (lost connection, timeout, protocol error) does not.
    if (!['ERECIPIENT', 'EREJECTED', 'ETEMPFAIL', 'EPERMFAIL'].includes(mapped.code)) {
      session.broken = true;
    }
    body.destroy();
    throw mapped;
  } finally {
    undoSmtpUtf8();
  }
  const reusedConnection = !opened;
  session.messages += 1;
  const totalMs = performance.now() - startedAt;
  return {
    transport: 'smtp',
    host: endpoint.host,
    port: endpoint.port,
    mode: endpoint.mode,
    tls: session.tls,
    auth: session.auth,
    capabilities: session.capabilities,
    accepted: info.accepted,
    rejected: info.rejected.map((address) => ({
      address,
      response: info.rejectedErrors?.find((e) => e.recipient === address)?.response ?? '',
    })),
    response: info.response,
    queueId: parseQueueId(info.response),
    messageSize: info.messageSize,
    reusedConnection,
    timings: {
      connectMs: opened ? session.connectMs : 0,
      authMs: opened ? session.authMs : 0,
      envelopeMs: info.envelopeTime,
      dataMs: info.messageTime,
      totalMs,
    },
  };
}

/** RSET after a refused transaction so the session can carry the next message. */
export function resetSession(session: SmtpSession): Promise<void> {
  return new Promise((resolve) => {
    if (session.broken) return resolve();
    session.connection.reset((err) => {
      if (err) session.broken = true;
      resolve();
    });
  });
}

export function closeSession(session: SmtpSession): void {
  session.broken = true;
  try {
    session.connection.quit();
  } catch {
    session.connection.close();
  }
  // quit() waits for the server's 221; do not let a silent server keep the socket open.
  setTimeout(() => session.connection.close(), 1_000).unref();
}

/**
 * `probe(host)`: what each submission port offers, without ever sending AUTH or mail — only
 * EHLO (RFC 5321 §4.1.1.1), STARTTLS (RFC 3207) and QUIT. Ports are probed concurrently, each
 * within its own time limit. Certificates are examined, not trusted (RFC 8314 §5.3 decides).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { checkServerIdentity, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { SealpostError } from '@sealpost/errors';
import { tlsOrNetworkError } from './connection-errors.js';
import { ehloKeyword, ehloSize } from './ehlo-keywords.js';
import { type CertificateSummary, normaliseFingerprint, summariseCertificate } from './report.js';
import { SmtpReplyReader } from './smtp-reply-reader.js';
import { type TlsTrustOptions, tlsConnectionOptions } from './tls-policy.js';

export type ProbeMode = 'implicit-tls' | 'starttls';

export interface ProbePort {
  readonly port: number;
  readonly mode: ProbeMode;
}

export interface ProbeOptions extends TlsTrustOptions {
  /** Default: 465 implicit TLS, 587, 2525 and 25 with STARTTLS. */
  readonly ports?: readonly ProbePort[];
  /** Time limit for each port, all stages included. Default 8 s. */
  readonly timeoutMs?: number;
  readonly clientName?: string;
}

export interface EhloExtensions {
  readonly starttls: boolean;
  readonly auth: readonly string[];
  readonly size: number | null;
  readonly eightBitMime: boolean;
  readonly smtpUtf8: boolean;
  readonly pipelining: boolean;
  readonly requireTls: boolean;
  readonly chunking: boolean;
  /** Every EHLO keyword line as received. */
  readonly lines: readonly string[];
}

export interface ProbeTlsResult {
  readonly version: string;
  readonly cipher: string;
  readonly alpn: string | null;
  readonly certificate: CertificateSummary | null;
  /** The chain reaches a trusted CA (the given `ca` or Node's root store). */
  readonly chainValid: boolean;
  /** OpenSSL's reason when the chain is not valid, e.g. "CERT_HAS_EXPIRED". */
  readonly chainError: string | null;
  readonly hostnameMatch: boolean;
  /** Set only when a pin was given. */
  readonly pinMatch?: boolean;
}

export interface PortProbeResult {
  readonly port: number;
  readonly mode: ProbeMode;
  readonly reachable: 'open' | 'refused' | 'timeout' | 'unreachable';
  readonly banner: string | null;
  /** The EHLO reply on the protected session when TLS worked, otherwise the cleartext one. */
  readonly extensions: EhloExtensions | null;
  /**
   * STARTTLS ports: the EHLO reply before TLS, what a network attacker sees and could edit
   * (STARTTLS offered? AUTH offered in clear?). Null on implicit-TLS ports.
   */
  readonly cleartextExtensions: EhloExtensions | null;
  /** TCP connect time alone; `durationMs` is the whole probe of the port. */
  readonly connectMs: number | null;
  readonly tls: ProbeTlsResult | null;
  /** What stopped the probe early, as a sealpost error code and message. */
  readonly error: { readonly code: string; readonly message: string } | null;
  /** True when sealpost would submit over this port under its default policy. */
  readonly usable: boolean;
  readonly recommendation: string;
  readonly durationMs: number;
}

export interface ProbeReport {
  readonly host: string;
  readonly ports: readonly PortProbeResult[];
  /** The port sealpost would use: implicit TLS first (RFC 8314 §3.3), then STARTTLS. */
  readonly recommended: ProbePort | null;
}

export const DEFAULT_PROBE_PORTS: readonly ProbePort[] = [
  { port: 465, mode: 'implicit-tls' },
  { port: 587, mode: 'starttls' },
  { port: 2525, mode: 'starttls' },
  { port: 25, mode: 'starttls' },
];

export function parseEhlo(lines: readonly string[]): EhloExtensions {
  const keywords = lines.slice(1);
  const find = (name: string) => ehloKeyword(keywords, name);
  return {
    starttls: find('STARTTLS') !== undefined,
    auth: (find('AUTH')?.split(' ').slice(1) ?? []).map((m) => m.toUpperCase()),
    size: ehloSize(keywords),
    eightBitMime: find('8BITMIME') !== undefined,
    smtpUtf8: find('SMTPUTF8') !== undefined,
    pipelining: find('PIPELINING') !== undefined,
    requireTls: find('REQUIRETLS') !== undefined,
    chunking: find('CHUNKING') !== undefined,
    lines: keywords,
  };
}

interface Progress {
  reachable: PortProbeResult['reachable'];
  banner: string | null;
  extensions: EhloExtensions | null;
  tls: ProbeTlsResult | null;
  error: { code: string; message: string } | null;
  cleartextExtensions: EhloExtensions | null;
  connectMs: number | null;
}

function examineTls(socket: TLSSocket, host: string, trust: TlsTrustOptions): ProbeTlsResult {
  const cert = socket.getPeerCertificate();
  const summary = summariseCertificate(cert);
  const chainError = socket.authorizationError ? String(socket.authorizationError) : null;
  const name = trust.servername ?? host;
  const hostnameMatch = summary !== null && checkServerIdentity(name, cert) === undefined;
  const pins = trust.pin === undefined ? [] : [trust.pin].flat().map(normaliseFingerprint);
  return {
    version: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
    certificate: summary,
    chainValid: chainError === null,
    chainError,
    hostnameMatch,
    ...(pins.length > 0
      ? { pinMatch: summary !== null && pins.includes(summary.fingerprint256) }
      : {}),
  };
}

function tcpConnect(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** TLS for examination: the chain is checked and reported, not enforced (we send no secrets). */
function startTls(socket: Socket, host: string, trust: TlsTrustOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({
      ...tlsConnectionOptions(host, trust),
      socket,
      rejectUnauthorized: false,
    });
    secure.once('secureConnect', () => {
      secure.removeListener('error', reject);
      resolve(secure);
    });
    secure.once('error', reject);
  });
}

async function runProbe(
  host: string,
  spec: ProbePort,
  options: ProbeOptions,
  progress: Progress,
  sockets: Socket[],
) {
  const ctx = { host, port: spec.port, implicitTls: spec.mode === 'implicit-tls' };
  let socket: Socket;
  const connectStarted = performance.now();
  try {
    socket = await tcpConnect(host, spec.port);
    progress.connectMs = Math.round(performance.now() - connectStarted);
  } catch (err) {
    const mapped = tlsOrNetworkError(err, ctx);
    progress.reachable = mapped?.code === 'ECONNREFUSED' ? 'refused' : 'unreachable';
    throw mapped ?? err;
  }
  sockets.push(socket);
  progress.reachable = 'open';
  const name = options.clientName ?? 'probe.sealpost.invalid';
  if (spec.mode === 'implicit-tls') {
    const secure = await startTls(socket, host, options).catch((err: unknown) => {
      throw tlsOrNetworkError(err, ctx) ?? err;
    });
    sockets.push(secure);
    progress.tls = examineTls(secure, host, options);
    socket = secure;
  }
  let reader = new SmtpReplyReader(socket);
  const greeting = await reader.next();
  progress.banner = `${greeting.code} ${greeting.lines.join(' ')}`;
  if (greeting.code !== 220) return;
  socket.write(`EHLO ${name}\r\n`);
  let ehlo = await reader.next();
  if (ehlo.code !== 250) return;
  progress.extensions = parseEhlo(ehlo.lines);
  if (spec.mode === 'starttls') progress.cleartextExtensions = progress.extensions;
  if (spec.mode === 'starttls' && progress.extensions.starttls) {
    socket.write('STARTTLS\r\n');
    const reply = await reader.next();
    if (reply.code !== 220) {
      throw new SealpostError('ESTARTTLS', `STARTTLS was offered but answered ${reply.code}.`);
    }
    reader.detach(); // RFC 3207 §6: nothing from before the handshake is kept
    const secure = await startTls(socket, host, options).catch((err: unknown) => {
      throw tlsOrNetworkError(err, { ...ctx, implicitTls: false }) ?? err;
    });
    sockets.push(secure);
    progress.tls = examineTls(secure, host, options);
    reader = new SmtpReplyReader(secure);
    secure.write(`EHLO ${name}\r\n`);
    ehlo = await reader.next();
    if (ehlo.code === 250) progress.extensions = parseEhlo(ehlo.lines);
    socket = secure;
  }
  socket.write('QUIT\r\n');
}

function tlsVerdict(tls: ProbeTlsResult): string | null {
  if (tls.version !== 'TLSv1.2' && tls.version !== 'TLSv1.3')
    return `TLS ${tls.version} is below 1.2`;
  if (!tls.chainValid) return `the certificate does not validate (${tls.chainError})`;
  if (!tls.hostnameMatch) return 'the certificate does not name this host';
  if (tls.pinMatch === false) return 'the certificate does not match the pin';
  return null;
}

function recommend(spec: ProbePort, p: Progress): { usable: boolean; recommendation: string } {
  if (p.reachable !== 'open') {
    return {
      usable: false,
      recommendation: `Not reachable from here (${p.reachable}); try the next port.`,
    };
  }
  if (p.error) return { usable: false, recommendation: `Do not use: ${p.error.message}` };
  if (!p.tls) {
    return {
      usable: false,
      recommendation:
        spec.port === 25
          ? 'Relay port without STARTTLS: a network attacker could read and alter mail here; not for submission.'
          : 'Do not use: no STARTTLS offered, so credentials and mail would travel in cleartext (possible stripping).',
    };
  }
  const problem = tlsVerdict(p.tls);
  if (problem) return { usable: false, recommendation: `Do not use: ${problem}.` };
  if (spec.port === 25) {
    return {
      usable: false,
      recommendation: 'Relay port (MTA to MTA): TLS works, but submit on 465 or 587.',
    };
  }
  if (spec.mode === 'implicit-tls') {
    return {
      usable: true,
      recommendation: 'Use this port: implicit TLS, recommended by RFC 8314 §3.3.',
    };
  }
  return {
    usable: true,
    recommendation: 'Usable with STARTTLS required (RFC 3207); prefer 465 if it works too.',
  };
}

async function probePort(
  host: string,
  spec: ProbePort,
  options: ProbeOptions,
): Promise<PortProbeResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 8_000;
  const progress: Progress = {
    reachable: 'timeout',
    banner: null,
    extensions: null,
    tls: null,
    error: null,
    cleartextExtensions: null,
    connectMs: null,
  };
  const sockets: Socket[] = [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SealpostError(
            'ETIMEDOUT',
            `${host}:${spec.port} did not finish within ${timeoutMs} ms.`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([runProbe(host, spec, options, progress, sockets), deadline]);
  } catch (err) {
    progress.error =
      err instanceof SealpostError
        ? { code: err.code, message: err.message }
        : { code: 'EPROTOCOL', message: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
  }
  return {
    port: spec.port,
    mode: spec.mode,
    ...progress,
    ...recommend(spec, progress),
    durationMs: Math.round(performance.now() - started),
  };
}

/** Probes every port of `host` concurrently. Never sends AUTH, MAIL or message data. */
export async function probe(host: string, options: ProbeOptions = {}): Promise<ProbeReport> {
  const specs = options.ports ?? DEFAULT_PROBE_PORTS;
  const ports = await Promise.all(specs.map((spec) => probePort(host, spec, options)));
  const pick = (mode: ProbeMode) => ports.find((p) => p.usable && p.mode === mode);
  const best = pick('implicit-tls') ?? pick('starttls');
  return { host, ports, recommended: best ? { port: best.port, mode: best.mode } : null };
}

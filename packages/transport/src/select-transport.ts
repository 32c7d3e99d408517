/**
 * Chooses how to submit to a host (RFC 6186 §3.1 SRV, RFC 8314 §3.3 and §5.1): SRV
 * `_submissions._tcp`, then `_submission._tcp`, then 465 implicit TLS, 587 and 2525 with
 * STARTTLS. A port that is refused, filtered or unreachable moves on; a TLS, certificate or
 * STARTTLS failure stops — never a fallback to something weaker (docs/decisions/0020).
 */
import { promises as dnsPromises } from 'node:dns';
import { SealpostError } from '@sealpost/errors';
import { type DetectedMode, type DetectModeOptions, detectPortMode } from './detect-mode.js';
import type { ProbeMode, ProbePort } from './probe.js';
import { SelectionCache } from './selection-cache.js';
import { closeSession } from './smtp-send.js';
import { openSession, type SmtpEndpoint, type SmtpTimeouts } from './smtp-session.js';
import type { TlsTrustOptions } from './tls-policy.js';

export interface SrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/** The part of node:dns/promises selection needs; tests pass their own. */
export interface SrvResolver {
  resolveSrv(name: string): Promise<SrvRecord[]>;
}

export interface SelectionPolicy extends TlsTrustOptions {
  /** A fixed port: no SRV, no other port. */
  readonly port?: number;
  /** How to tell the mode of a fixed port that is not 25, 465, 587 or 2525 (and no `mode`). */
  readonly detect?: DetectModeOptions;
  /** A fixed mode; with `port` unset, only candidates of this mode are tried. */
  readonly mode?: ProbeMode;
  /** Look up SRV records first (RFC 6186). Default true unless `port` is fixed. */
  readonly useSrv?: boolean;
  readonly resolver?: SrvResolver;
  /** The default-port candidates. Default 465 implicit TLS, 587 and 2525 STARTTLS. */
  readonly candidates?: readonly ProbePort[];
  readonly timeouts?: SmtpTimeouts;
  readonly clientName?: string;
  /** Where to remember what worked. Default: one in-memory cache per process; false: none. */
  readonly cache?: SelectionCache | false;
  /** Aborting it ends the probing of candidates at once (a send opened ahead, then closed). */
  readonly signal?: AbortSignal;
}

export type SelectionSource =
  | 'srv-submissions'
  | 'srv-submission'
  | 'default-port'
  | 'fixed'
  | 'cache';

export interface SelectionAttempt {
  readonly host: string;
  readonly port: number;
  readonly mode: ProbeMode;
  readonly source: SelectionSource;
  readonly outcome: 'ok' | 'refused' | 'timeout' | 'unreachable' | 'failed';
  readonly code?: string;
}

export interface Selection {
  /** Ready to spread into createSmtpTransport({ ...selection.endpoint, auth }). */
  readonly endpoint: SmtpEndpoint;
  readonly source: SelectionSource;
  readonly attempts: readonly SelectionAttempt[];
  /** Set when the mode of an unfamiliar fixed port was told from what the port did. */
  readonly detected?: DetectedMode;
}

export const DEFAULT_SUBMISSION_CANDIDATES: readonly ProbePort[] = [
  { port: 465, mode: 'implicit-tls' },
  { port: 587, mode: 'starttls' },
  { port: 2525, mode: 'starttls' },
];

let processCache: SelectionCache | undefined;

/** The in-memory cache used when a policy names none (one per process, memory only). */
function defaultCache(): SelectionCache {
  processCache ??= new SelectionCache();
  return processCache;
}

interface Candidate extends ProbePort {
  readonly host: string;
  readonly source: SelectionSource;
}

/** Codes that mean "this port is not there": the only reasons to try the next one. */
const MOVE_ON: Readonly<Record<string, SelectionAttempt['outcome']>> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  EUNREACHABLE: 'unreachable',
};

async function srvCandidates(
  host: string,
  resolver: SrvResolver,
  service: '_submissions' | '_submission',
): Promise<Candidate[]> {
  let records: SrvRecord[];
  try {
    records = await resolver.resolveSrv(`${service}._tcp.${host}`);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'NXDOMAIN') return [];
    throw new SealpostError(
      'EDNS',
      `SRV lookup for ${service}._tcp.${host} failed: ${code ?? err}`,
      {
        cause: err,
      },
    );
  }
  return (
    records
      // RFC 6186 §3.1 / RFC 2782: a target of "." means the service is decidedly not offered.
      .filter((r) => r.name !== '.' && r.name !== '')
      .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
      .map((r) => ({
        host: r.name.replace(/\.$/, ''),
        port: r.port,
        mode: service === '_submissions' ? ('implicit-tls' as const) : ('starttls' as const),
        source:
          service === '_submissions' ? ('srv-submissions' as const) : ('srv-submission' as const),
      }))
  );
}

/** Ports whose mode the standards (or a firm convention) fix: no need to look. */
const KNOWN_PORT_MODES: Readonly<Record<number, ProbeMode>> = {
  25: 'starttls',
  465: 'implicit-tls',
  587: 'starttls',
  2525: 'starttls',
};

async function candidatesFor(host: string, policy: SelectionPolicy): Promise<Candidate[]> {
  if (policy.port !== undefined) {
    const mode = policy.mode ?? KNOWN_PORT_MODES[policy.port] ?? 'starttls';
    return [{ host, port: policy.port, mode, source: 'fixed' }];
  }
  const list: Candidate[] = [];
  if (policy.useSrv !== false) {
    const resolver = policy.resolver ?? dnsPromises;
    list.push(...(await srvCandidates(host, resolver, '_submissions')));
    list.push(...(await srvCandidates(host, resolver, '_submission')));
  }
  for (const c of policy.candidates ?? DEFAULT_SUBMISSION_CANDIDATES) {
    list.push({ host, port: c.port, mode: c.mode, source: 'default-port' });
  }
  return policy.mode ? list.filter((c) => c.mode === policy.mode) : list;
}

/** Finds the safest working submission endpoint of `host`, or throws why there is none. */
export async function selectTransport(
  host: string,
  policy: SelectionPolicy = {},
): Promise<Selection> {
  const cache = policy.cache === false ? undefined : (policy.cache ?? defaultCache());
  const trust: TlsTrustOptions = {
    ...(policy.ca === undefined ? {} : { ca: policy.ca }),
    ...(policy.pin === undefined ? {} : { pin: policy.pin }),
  };
  const endpointFor = (c: { host: string; port: number; mode: ProbeMode }): SmtpEndpoint => ({
    ...trust,
    host: c.host,
    port: c.port,
    mode: c.mode,
    ...(policy.servername === undefined ? {} : { servername: policy.servername }),
    ...(policy.timeouts === undefined ? {} : { timeouts: policy.timeouts }),
    ...(policy.clientName === undefined ? {} : { clientName: policy.clientName }),
  });
  if (policy.port !== undefined) {
    if (policy.mode === undefined && KNOWN_PORT_MODES[policy.port] === undefined) {
      // An unfamiliar port (10465, 1587 …): listen to what it does before choosing, instead of
      // assuming STARTTLS and waiting for a greeting that an implicit-TLS port never sends.
      const detected = await detectPortMode(host, policy.port, {
        ...(policy.timeouts?.connectMs === undefined
          ? {}
          : { connectMs: policy.timeouts.connectMs }),
        ...policy.detect,
      });
      const endpoint = endpointFor({ host, port: policy.port, mode: detected.mode });
      return { endpoint, source: 'fixed', attempts: [], detected };
    }
    // Nothing to choose: one port, one mode. Connecting here would only repeat the handshake
    // the real session does next, with the same checks and the same error codes.
    const [fixed] = await candidatesFor(host, policy);
    return { endpoint: endpointFor(fixed!), source: 'fixed', attempts: [] };
  }
  const cached = cache?.get(host);
  if (cached && (policy.mode === undefined || policy.mode === cached.mode)) {
    return { endpoint: endpointFor(cached), source: 'cache', attempts: [] };
  }
  const attempts: SelectionAttempt[] = [];
  for (const candidate of await candidatesFor(host, policy)) {
    const endpoint = endpointFor(candidate);
    try {
      closeSession(await openSession(endpoint, policy.signal ? { signal: policy.signal } : {}));
    } catch (err) {
      const code = err instanceof SealpostError ? err.code : 'EINTERNAL';
      const outcome = MOVE_ON[code];
      attempts.push({ ...candidate, outcome: outcome ?? 'failed', code });
      if (outcome) continue;
      // A TLS failure, a certificate problem or a missing STARTTLS: stop here. Trying the next
      // candidate would let an attacker choose our protection for us.
      throw err;
    }
    attempts.push({ ...candidate, outcome: 'ok' });
    cache?.set(host, {
      host: candidate.host,
      port: candidate.port,
      mode: candidate.mode,
      verifiedAt: new Date().toISOString(),
    });
    return { endpoint, source: candidate.source, attempts };
  }
  throw new SealpostError(
    'ENOTRANSPORT',
    `No submission port of ${host} could be reached (${attempts.map((a) => `${a.port}: ${a.outcome}`).join(', ') || 'none tried'}).`,
    { details: { host, attempts } },
  );
}

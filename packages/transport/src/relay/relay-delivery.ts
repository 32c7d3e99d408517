/**
 * Delivering one message along a relay plan: each MX host in order, each of its addresses,
 * with the TLS the plan demands (RFC 8461 §5: under enforce, STARTTLS and a certificate valid
 * for the MX host name, else the next MX; RFC 5321 §5.1: a host that cannot be reached or
 * answers 4xx passes the turn on). A 5xx reply or an ambiguous end of DATA stops at once.
 */
import { Readable } from 'node:stream';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { SendInput } from '../envelope.js';
import type { TransportReport } from '../report.js';
import { closeSession, sendOnSession } from '../smtp-send.js';
import type { SmtpTimeouts } from '../smtp-session.js';
import { createSmtpTransport } from '../smtp-transport.js';
import { openOpportunisticSession, type RelayTlsFacts } from './opportunistic-session.js';
import { describeExposure, type ExposureReason, type RelayExposure } from './relay-exposure.js';
import {
  plannedExposureReasons,
  type RelayMode,
  type RelayPlan,
  type RelayTarget,
  type RelayTlsRequirement,
} from './relay-plan.js';
import { normaliseDomain } from './relay-resolver.js';

export interface RelayDeliveryOptions {
  /** Trusted CAs (PEM) for MX certificates; default Node's root store. */
  readonly ca?: string | readonly string[];
  /** Name sent with EHLO. */
  readonly clientName?: string;
  readonly timeouts?: SmtpTimeouts;
  /**
   * Deliver even though the plan allows only opportunistic TLS (no enforced MTA-STS policy).
   * Default false: docs/design.md §4, port 25 is opportunistic only when the user says so.
   */
  readonly allowOpportunistic?: boolean;
}

export interface RelayAttempt {
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly tls: RelayTlsRequirement;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface RelayReport {
  readonly domain: string;
  readonly mode: RelayMode;
  /** The MTA-STS policy id applied, if any. */
  readonly policyId: string | null;
  /** The MX host that took the message, and how. */
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly tlsRequirement: RelayTlsRequirement;
  /** How the delivering link was protected (null: cleartext). */
  readonly tls: RelayTlsFacts | null;
  /** The SMTP transaction as the core transport reports it (`tls` is set only when verified). */
  readonly transport: TransportReport;
  readonly attempts: readonly RelayAttempt[];
  /** Testing mode: what an enforced policy would have refused (for TLSRPT-style reporting). */
  readonly policyFailures: readonly string[];
  /** Policy discovery problems (failed fetch, invalid record). */
  readonly problems: readonly string[];
  readonly exposure: RelayExposure;
}

/** Failures that mean "this host cannot be used, the next one may": RFC 5321 §5.1, RFC 8461 §5. */
const NEXT_HOST = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EUNREACHABLE',
  'ECONNLOST',
  'ETEMPFAIL',
  'ETLS',
  'ETLS_VERSION',
  'ETLS_CLEARTEXT',
  'ESTARTTLS',
  'ECERT_EXPIRED',
  'ECERT_NOT_YET_VALID',
  'ECERT_HOSTNAME',
  'ECERT_UNTRUSTED',
  'ECERT_SELF_SIGNED',
  'EPROTOCOL',
]);
const TLS_FAILURES = new Set([...NEXT_HOST].filter((code) => /^E(TLS|STARTTLS|CERT)/.test(code)));

function asSealpostError(err: unknown): SealpostError {
  return err instanceof SealpostError
    ? err
    : new SealpostError('EINTERNAL', `Unexpected failure: ${String(err)}`, { cause: err });
}

async function attemptVerified(
  input: SendInput,
  target: RelayTarget,
  address: string,
  options: RelayDeliveryOptions,
): Promise<{ transport: TransportReport; tls: RelayTlsFacts }> {
  const smtp = createSmtpTransport({
    host: address,
    port: target.port,
    mode: 'starttls',
    // The certificate must name the MX host (RFC 8461 §4.2), whatever address we dialled.
    servername: target.host,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.clientName === undefined ? {} : { clientName: options.clientName }),
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
  });
  try {
    const transport = await smtp.send(input);
    const tls = transport.tls!;
    return {
      transport,
      tls: {
        version: tls.version,
        cipher: tls.cipher,
        certificate: tls.certificate,
        verified: true,
        verificationError: null,
      },
    };
  } finally {
    await smtp.close();
  }
}

async function attemptOpportunistic(
  input: SendInput,
  target: RelayTarget,
  address: string,
  options: RelayDeliveryOptions,
): Promise<{ transport: TransportReport; tls: RelayTlsFacts | null }> {
  const startedAt = performance.now();
  const { session, tls } = await openOpportunisticSession({
    mxHost: target.host,
    address,
    port: target.port,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.clientName === undefined ? {} : { clientName: options.clientName }),
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
  });
  try {
    const transport = await sendOnSession(session, input, startedAt, true);
    return { transport: { ...transport, tls: null }, tls };
  } finally {
    closeSession(session);
  }
}

/** Delivers `input` along `plan`; throws EMTASTS, EOPPORTUNISTIC or ENOMXREACHABLE. */
export async function deliverRelay(
  input: SendInput,
  plan: RelayPlan,
  options: RelayDeliveryOptions = {},
): Promise<RelayReport> {
  for (const recipient of input.envelope.to) {
    const domain = normaliseDomain(recipient.slice(recipient.lastIndexOf('@') + 1));
    if (domain !== plan.domain) {
      throw new SealpostError(
        'EADDRESS',
        `Recipient ${quoteUntrusted(recipient)} is not in ${plan.domain}; relay mode delivers one domain per plan.`,
      );
    }
  }
  if (plan.mode !== 'enforce' && options.allowOpportunistic !== true) {
    throw new SealpostError(
      'EOPPORTUNISTIC',
      `${plan.domain} has no enforced MTA-STS policy (${plan.mode}); delivering directly would be opportunistic. ${plan.exposure.statement}`,
      { details: { domain: plan.domain, mode: plan.mode, reasons: plan.exposure.reasons } },
    );
  }

  const attempts: RelayAttempt[] = [];
  let lastError: SealpostError | undefined;
  // A stream can be sent once: after a transaction began, no other host can be tried.
  let streamUsed = false;
  for (const target of plan.targets) {
    for (const address of target.addresses) {
      if (streamUsed) break;
      try {
        const result =
          target.tls === 'verified'
            ? await attemptVerified(input, target, address, options)
            : await attemptOpportunistic(input, target, address, options);
        attempts.push({
          host: target.host,
          address,
          port: target.port,
          tls: target.tls,
          error: null,
        });
        return buildReport(plan, target, address, result, attempts);
      } catch (err) {
        const error = asSealpostError(err);
        lastError = error;
        attempts.push({
          host: target.host,
          address,
          port: target.port,
          tls: target.tls,
          error: { code: error.code, message: error.message },
        });
        if (!NEXT_HOST.has(error.code)) throw error;
        if (input.raw instanceof Readable && input.raw.readableDidRead) streamUsed = true;
      }
    }
  }

  const unresolved = plan.targets.flatMap((target) => target.problems);
  const details = { domain: plan.domain, mode: plan.mode, attempts, unresolved };
  if (plan.mode === 'enforce' && attempts.some((a) => a.error && TLS_FAILURES.has(a.error.code))) {
    throw new SealpostError(
      'EMTASTS',
      `${plan.domain} enforces MTA-STS and no MX host offered STARTTLS with a certificate valid for its name; nothing was sent.`,
      { cause: lastError, details },
    );
  }
  throw new SealpostError(
    'ENOMXREACHABLE',
    `No MX host of ${plan.domain} took the message (${attempts.length} attempt(s)${lastError ? `, last: ${lastError.code}` : ''}).`,
    { cause: lastError, details },
  );
}

function buildReport(
  plan: RelayPlan,
  target: RelayTarget,
  address: string,
  result: { transport: TransportReport; tls: RelayTlsFacts | null },
  attempts: readonly RelayAttempt[],
): RelayReport {
  const reasons: ExposureReason[] = plannedExposureReasons(plan.mode);
  if (!result.tls) reasons.push('no-tls');
  else if (!result.tls.verified) reasons.push('unverified-certificate');
  const policyFailures = [...target.policyFailures];
  if (plan.mode === 'testing') {
    if (!result.tls) policyFailures.push(`${target.host} did not offer STARTTLS`);
    else if (!result.tls.verified) {
      policyFailures.push(
        `${target.host}'s certificate is not valid for its name (${result.tls.verificationError})`,
      );
    }
  }
  return {
    domain: plan.domain,
    mode: plan.mode,
    policyId: plan.mtaSts.applied?.id ?? null,
    host: target.host,
    address,
    port: target.port,
    tlsRequirement: target.tls,
    tls: result.tls,
    transport: result.transport,
    attempts,
    policyFailures,
    problems: plan.mtaSts.problems,
    exposure: describeExposure(reasons, { domain: plan.domain, mxHost: target.host }),
  };
}

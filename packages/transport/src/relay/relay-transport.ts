/**
 * Relay mode as one object: splits the envelope by recipient domain (RFC 5321 §5.1: each
 * domain has its own MX hosts and MTA-STS policy), plans and delivers each domain, and keeps
 * one MTA-STS policy cache across sends so policies are fetched once per max_age.
 */
import { Readable } from 'node:stream';
import { isSealpostError, quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { SendInput } from '../envelope.js';
import { MemoryMtaStsPolicyCache, type MtaStsPolicyCache } from './mta-sts-cache.js';
import { createHttpsPolicyFetcher, type MtaStsPolicyFetcher } from './mta-sts-fetch.js';
import { deliverRelay, type RelayDeliveryOptions, type RelayReport } from './relay-delivery.js';
import { planRelayDelivery, type RelayPlan, type RelayPlanDeps } from './relay-plan.js';
import { createRelayResolver, normaliseDomain, type RelayResolver } from './relay-resolver.js';

export interface RelayTransportOptions extends RelayDeliveryOptions {
  /** Default: the system's resolvers. */
  readonly resolver?: RelayResolver;
  /** Default: HTTPS on port 443, resolving through `resolver`, trusting `ca` or the system store. */
  readonly fetcher?: MtaStsPolicyFetcher;
  /** Default: in memory, for the lifetime of this transport. */
  readonly cache?: MtaStsPolicyCache;
  readonly now?: () => number;
  /** MX port: 25 unless a test runs MX hosts elsewhere. */
  readonly port?: RelayPlanDeps['port'];
}

/** One recipient domain's result: a report, or the error that stopped it. */
export type RelayOutcome =
  | {
      readonly domain: string;
      readonly recipients: readonly string[];
      readonly report: RelayReport;
    }
  | {
      readonly domain: string;
      readonly recipients: readonly string[];
      readonly error: SealpostError;
    };

export interface RelayTransport {
  /** Plans one domain without sending anything (what `--dry-run` shows). */
  plan(domain: string): Promise<RelayPlan>;
  /** Delivers to every recipient domain; one outcome per domain, in envelope order. */
  send(input: SendInput): Promise<RelayOutcome[]>;
}

export function groupRecipientsByDomain(recipients: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const recipient of recipients) {
    const at = recipient.lastIndexOf('@');
    const domain = at > 0 ? normaliseDomain(recipient.slice(at + 1)) : '';
    if (domain === '') {
      throw new SealpostError('EADDRESS', `${quoteUntrusted(recipient)} has no recipient domain.`);
    }
    groups.set(domain, [...(groups.get(domain) ?? []), recipient]);
  }
  return groups;
}

export function createRelayTransport(options: RelayTransportOptions = {}): RelayTransport {
  const resolver = options.resolver ?? createRelayResolver();
  const deps: RelayPlanDeps = {
    resolver,
    fetcher:
      options.fetcher ??
      createHttpsPolicyFetcher({
        resolver,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      }),
    cache: options.cache ?? new MemoryMtaStsPolicyCache(),
    ...(options.now ? { now: options.now } : {}),
    ...(options.port === undefined ? {} : { port: options.port }),
  };
  return {
    plan: (domain) => planRelayDelivery(domain, deps),
    async send(input) {
      const groups = groupRecipientsByDomain(input.envelope.to);
      if (groups.size > 1 && input.raw instanceof Readable) {
        throw new SealpostError(
          'ECONFIG',
          'A streamed message can be relayed to one recipient domain only; pass bytes for several domains.',
        );
      }
      const settled = await Promise.allSettled(
        [...groups].map(async ([domain, recipients]) => {
          const plan = await planRelayDelivery(domain, deps);
          // The per-domain envelope keeps the message's SMTP extension needs (SMTPUTF8, 8BITMIME).
          const envelope = { ...input.envelope, to: recipients };
          return deliverRelay({ envelope, raw: input.raw }, plan, options);
        }),
      );
      return [...groups].map(([domain, recipients], i): RelayOutcome => {
        const result = settled[i]!;
        if (result.status === 'fulfilled') return { domain, recipients, report: result.value };
        const error = isSealpostError(result.reason)
          ? result.reason
          : new SealpostError('EINTERNAL', String(result.reason), { cause: result.reason });
        return { domain, recipients, error };
      });
    },
  };
}

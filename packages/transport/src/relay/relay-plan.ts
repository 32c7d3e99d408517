/**
 * Planning a direct delivery (relay mode, port 25): which MX hosts to try in which order
 * (RFC 5321 §5.1), and what TLS each must have under the domain's MTA-STS policy (RFC 8461
 * §4 and §5). All network access goes through the injected resolver and fetcher;
 * `decideRelayTargets` is the pure core.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { MtaStsPolicyCache } from './mta-sts-cache.js';
import { discoverMtaStsPolicy, type MtaStsDiscovery } from './mta-sts-discovery.js';
import type { MtaStsPolicyFetcher } from './mta-sts-fetch.js';
import type { MtaStsPolicy } from './mta-sts-policy.js';
import { lookupMx, type MxHost } from './mx-lookup.js';
import { mxMatchesPolicy } from './mx-pattern.js';
import { describeExposure, type ExposureReason, type RelayExposure } from './relay-exposure.js';
import { normaliseDomain, type RelayResolver, resolveAddresses } from './relay-resolver.js';

/** enforce / testing / none from the policy, or no-policy when none applies. */
export type RelayMode = 'enforce' | 'testing' | 'none' | 'no-policy';

/**
 * `verified`: STARTTLS required, TLS ≥ 1.2, certificate chain valid and naming the MX host
 * (RFC 8461 §4.2). `opportunistic`: STARTTLS when offered, certificate not required to match.
 */
export type RelayTlsRequirement = 'verified' | 'opportunistic';

export interface RelayTargetDecision {
  readonly mx: MxHost;
  readonly tls: RelayTlsRequirement;
  /** Whether the MX host matches the policy's mx patterns; null when no policy applies. */
  readonly policyMatch: boolean | null;
  /** In testing mode: what enforce mode would have refused (to be reported, not acted on). */
  readonly policyFailures: readonly string[];
}

export interface ExcludedMx {
  readonly host: string;
  readonly preference: number;
  readonly reason: string;
}

export interface RelayTarget extends RelayTargetDecision {
  readonly host: string;
  readonly addresses: readonly string[];
  readonly port: number;
  /** Address lookup problems (the target is skipped when it has no address). */
  readonly problems: readonly string[];
}

export interface RelayPlan {
  readonly domain: string;
  readonly mode: RelayMode;
  readonly mtaSts: MtaStsDiscovery;
  /** Every MX host in the order RFC 5321 §5.1 gives. */
  readonly mx: readonly MxHost[];
  /** The hosts to try, in order, each with its TLS requirement. */
  readonly targets: readonly RelayTarget[];
  /** Hosts an enforced policy rules out. */
  readonly excluded: readonly ExcludedMx[];
  /** What the plan exposes before any connection: a successful delivery cannot do better. */
  readonly exposure: RelayExposure;
}

export interface RelayPlanDeps {
  readonly resolver: RelayResolver;
  readonly fetcher: MtaStsPolicyFetcher;
  readonly cache?: MtaStsPolicyCache;
  readonly now?: () => number;
  /** For shuffling MX hosts of equal preference. */
  readonly random?: () => number;
  /** SMTP port of the MX hosts: 25, unless a test runs them elsewhere. */
  readonly port?: number | ((mxHost: string) => number);
}

export function relayModeOf(policy: MtaStsPolicy | null): RelayMode {
  return policy ? policy.mode : 'no-policy';
}

export function plannedExposureReasons(mode: RelayMode): ExposureReason[] {
  switch (mode) {
    case 'enforce':
      return [];
    case 'testing':
      return ['policy-testing'];
    case 'none':
      return ['policy-none'];
    case 'no-policy':
      return ['no-policy'];
  }
}

/** The pure step: MX list + applied policy → ordered decisions and exclusions. */
export function decideRelayTargets(
  mx: readonly MxHost[],
  policy: MtaStsPolicy | null,
): { mode: RelayMode; decisions: RelayTargetDecision[]; excluded: ExcludedMx[] } {
  const mode = relayModeOf(policy);
  const decisions: RelayTargetDecision[] = [];
  const excluded: ExcludedMx[] = [];
  for (const host of mx) {
    // Mode none: "treat the Policy Domain as though it does not have any active policy".
    const policyMatch =
      policy && policy.mode !== 'none' ? mxMatchesPolicy(host.host, policy.mx) : null;
    const mismatch = `MX host ${host.host} matches none of the policy's mx patterns (${policy?.mx.join(', ')})`;
    if (mode === 'enforce') {
      if (policyMatch)
        decisions.push({ mx: host, tls: 'verified', policyMatch, policyFailures: [] });
      else excluded.push({ host: host.host, preference: host.preference, reason: mismatch });
    } else {
      decisions.push({
        mx: host,
        tls: 'opportunistic',
        policyMatch,
        policyFailures: policyMatch === false ? [mismatch] : [],
      });
    }
  }
  return { mode, decisions, excluded };
}

/**
 * Finds the MX hosts of `domain`, discovers its MTA-STS policy and decides, per host, the TLS
 * it must have. Throws EMTASTS when an enforced policy allows none of the MX hosts.
 */
export async function planRelayDelivery(
  domainName: string,
  deps: RelayPlanDeps,
): Promise<RelayPlan> {
  const domain = normaliseDomain(domainName);
  if (domain === '') {
    throw new SealpostError('ENOMAILHOST', `${quoteUntrusted(domainName)} is not a domain name.`);
  }
  // Both lookups at once: the policy does not depend on the MX answer (RFC 8461 §3.4: the
  // policy domain is the recipient domain, never a parent and never the MX's domain).
  const [mx, mtaSts] = await Promise.all([
    lookupMx(domain, deps.resolver, deps.random ? { random: deps.random } : {}),
    discoverMtaStsPolicy(domain, deps),
  ]);
  const { mode, decisions, excluded } = decideRelayTargets(mx, mtaSts.applied?.policy ?? null);
  if (mode === 'enforce' && decisions.length === 0) {
    throw new SealpostError(
      'EMTASTS',
      `${domain} enforces MTA-STS and none of its MX hosts (${mx.map((h) => h.host).join(', ')}) matches the policy's mx patterns.`,
      { details: { domain, excluded, policyId: mtaSts.applied?.id } },
    );
  }
  const portOf = (host: string) =>
    typeof deps.port === 'function' ? deps.port(host) : (deps.port ?? 25);
  const targets = await Promise.all(
    decisions.map(async (decision): Promise<RelayTarget> => {
      const { addresses, problems } = await resolveAddresses(decision.mx.host, deps.resolver);
      if (addresses.length === 0 && problems.length === 0) {
        problems.push(`${decision.mx.host} has no A or AAAA record`);
      }
      return {
        ...decision,
        host: decision.mx.host,
        addresses,
        port: portOf(decision.mx.host),
        problems,
      };
    }),
  );
  return {
    domain,
    mode,
    mtaSts,
    mx,
    targets,
    excluded,
    exposure: describeExposure(plannedExposureReasons(mode), { domain }),
  };
}

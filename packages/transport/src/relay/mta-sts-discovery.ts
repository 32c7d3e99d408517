/**
 * Policy discovery (RFC 8461 §3 and §5.1): the TXT record says whether a policy exists and
 * its id; a cached policy with that id and unexpired max_age is used as is; otherwise the
 * policy is fetched over HTTPS and cached. A failed fetch without a usable cached policy
 * means "no policy" (RFC 8461 §3.3); an unexpired cached policy still applies when DNS or
 * HTTPS fail.
 */

import type { CachedMtaStsPolicy, MtaStsPolicyCache } from './mta-sts-cache.js';
import { fetchMtaStsPolicy, type MtaStsPolicyFetcher } from './mta-sts-fetch.js';
import type { MtaStsPolicy } from './mta-sts-policy.js';
import { selectMtaStsRecord } from './mta-sts-record.js';
import { ask, type RelayResolver } from './relay-resolver.js';

export interface MtaStsDiscoveryDeps {
  readonly resolver: RelayResolver;
  readonly fetcher: MtaStsPolicyFetcher;
  readonly cache?: MtaStsPolicyCache;
  /** Clock in milliseconds; tests move it to expire cache entries. */
  readonly now?: () => number;
  /**
   * After a failed fetch, the same policy id is not fetched again for this long (RFC 8461 §3.3
   * suggests five minutes or more), so a broken policy host does not slow every message down.
   * Default 5 minutes; needs a cache with get/setFetchFailure.
   */
  readonly fetchRetryAfterMs?: number;
}

export interface AppliedMtaStsPolicy {
  readonly policy: MtaStsPolicy;
  readonly id: string;
  /** "fetched" now, or taken from the cache (same id, or the live policy was unavailable). */
  readonly source: 'fetched' | 'cache';
  readonly expiresAt: number;
}

export interface MtaStsDiscovery {
  readonly policyDomain: string;
  /** The id in the TXT record found now, if a valid one was found. */
  readonly recordId: string | null;
  /** The policy to apply, or null: deliver as if the domain had no MTA-STS. */
  readonly applied: AppliedMtaStsPolicy | null;
  /**
   * What went wrong on the way (invalid record, failed fetch, invalid policy): what a TLSRPT
   * (RFC 8460) report would carry, and what the delivery report shows.
   */
  readonly problems: readonly string[];
}

function fromCache(entry: CachedMtaStsPolicy): AppliedMtaStsPolicy {
  return { policy: entry.policy, id: entry.id, source: 'cache', expiresAt: entry.expiresAt };
}

export async function discoverMtaStsPolicy(
  policyDomain: string,
  deps: MtaStsDiscoveryDeps,
): Promise<MtaStsDiscovery> {
  const now = deps.now?.() ?? Date.now();
  const problems: string[] = [];
  const stored = await deps.cache?.get(policyDomain);
  const cached = stored && stored.expiresAt > now ? stored : undefined;

  const txt = await ask(() => deps.resolver.resolveTxt(`_mta-sts.${policyDomain}`));
  let recordId: string | null = null;
  if (txt.kind === 'records') {
    const selected = selectMtaStsRecord(txt.records);
    if (selected.ok) recordId = selected.record.id;
    else problems.push(`the _mta-sts TXT record is not usable: ${selected.reason}`);
  } else if (txt.kind === 'error') {
    problems.push(`the DNS lookup of _mta-sts.${policyDomain} failed (${txt.code})`);
  }

  if (recordId === null) {
    // No live policy is announced (or DNS failed): an unexpired cached policy still applies.
    return { policyDomain, recordId, applied: cached ? fromCache(cached) : null, problems };
  }
  if (cached && cached.id === recordId) {
    return { policyDomain, recordId, applied: fromCache(cached), problems };
  }

  const failure = await deps.cache?.getFetchFailure?.(policyDomain);
  if (failure && failure.id === recordId && failure.retryAfter > now) {
    problems.push(
      `${failure.reason} (not fetched again before ${new Date(failure.retryAfter).toISOString()})`,
    );
    return { policyDomain, recordId, applied: cached ? fromCache(cached) : null, problems };
  }
  const fetched = await fetchMtaStsPolicy(policyDomain, deps.fetcher);
  if (!fetched.ok) {
    problems.push(fetched.reason);
    await deps.cache?.setFetchFailure?.(policyDomain, {
      id: recordId,
      reason: fetched.reason,
      retryAfter: now + (deps.fetchRetryAfterMs ?? 5 * 60_000),
    });
    return { policyDomain, recordId, applied: cached ? fromCache(cached) : null, problems };
  }
  if (failure) await deps.cache?.setFetchFailure?.(policyDomain, undefined);
  const entry: CachedMtaStsPolicy = {
    policyDomain,
    id: recordId,
    policy: fetched.policy,
    fetchedAt: now,
    expiresAt: now + fetched.policy.maxAge * 1000,
  };
  await deps.cache?.set(entry);
  return {
    policyDomain,
    recordId,
    applied: { policy: entry.policy, id: entry.id, source: 'fetched', expiresAt: entry.expiresAt },
    problems,
  };
}

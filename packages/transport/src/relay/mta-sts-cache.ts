/**
 * Policies are cached for max_age seconds and keyed by the TXT record's id (RFC 8461 §3.3,
 * §5.1): the cache saves a fetch per message, and an unexpired cached policy still applies
 * when DNS or HTTPS fail — which is what protects against an attacker who blocks them.
 */
import type { MtaStsPolicy } from './mta-sts-policy.js';

export interface CachedMtaStsPolicy {
  readonly policyDomain: string;
  /** The TXT record id the policy was fetched under. */
  readonly id: string;
  readonly policy: MtaStsPolicy;
  /** Milliseconds since the epoch. */
  readonly fetchedAt: number;
  readonly expiresAt: number;
}

/** A failed fetch, remembered so the policy host is not asked again at once (RFC 8461 §3.3). */
export interface MtaStsFetchFailure {
  readonly id: string;
  readonly reason: string;
  /** Milliseconds since the epoch before which the same id is not fetched again. */
  readonly retryAfter: number;
}

type MaybePromise<T> = T | Promise<T>;

/** Storage for policies; sync or async so a file or database can back it. */
export interface MtaStsPolicyCache {
  get(policyDomain: string): MaybePromise<CachedMtaStsPolicy | undefined>;
  set(entry: CachedMtaStsPolicy): MaybePromise<void>;
  /** Optional: without these, every discovery after a failure fetches again. */
  getFetchFailure?(policyDomain: string): MaybePromise<MtaStsFetchFailure | undefined>;
  setFetchFailure?(
    policyDomain: string,
    failure: MtaStsFetchFailure | undefined,
  ): MaybePromise<void>;
}

/** The default: one process's memory. */
export class MemoryMtaStsPolicyCache implements MtaStsPolicyCache {
  private readonly entries = new Map<string, CachedMtaStsPolicy>();
  private readonly failures = new Map<string, MtaStsFetchFailure>();

  get(policyDomain: string): CachedMtaStsPolicy | undefined {
    return this.entries.get(policyDomain);
  }

  set(entry: CachedMtaStsPolicy): void {
    this.entries.set(entry.policyDomain, entry);
  }

  getFetchFailure(policyDomain: string): MtaStsFetchFailure | undefined {
    return this.failures.get(policyDomain);
  }

  setFetchFailure(policyDomain: string, failure: MtaStsFetchFailure | undefined): void {
    if (failure) this.failures.set(policyDomain, failure);
    else this.failures.delete(policyDomain);
  }

  get size(): number {
    return this.entries.size;
  }
}

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

/** Storage for policies; sync or async so a file or database can back it. */
export interface MtaStsPolicyCache {
  get(
    policyDomain: string,
  ): CachedMtaStsPolicy | undefined | Promise<CachedMtaStsPolicy | undefined>;
  set(entry: CachedMtaStsPolicy): void | Promise<void>;
}

/** The default: one process's memory. */
export class MemoryMtaStsPolicyCache implements MtaStsPolicyCache {
  private readonly entries = new Map<string, CachedMtaStsPolicy>();

  get(policyDomain: string): CachedMtaStsPolicy | undefined {
    return this.entries.get(policyDomain);
  }

  set(entry: CachedMtaStsPolicy): void {
    this.entries.set(entry.policyDomain, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}

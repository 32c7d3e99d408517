/**
 * The DNS questions relay mode asks (RFC 5321 §5.1 MX and address records, RFC 8461 §3.1 TXT),
 * as an interface so tests and embedders can point it at any server. Node's
 * `dns.promises.Resolver` has exactly this shape.
 */
import { Resolver } from 'node:dns/promises';
import { domainToASCII } from 'node:url';

export interface RelayResolver {
  resolveMx(name: string): Promise<Array<{ exchange: string; priority: number }>>;
  resolveTxt(name: string): Promise<string[][]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

export interface RelayResolverOptions {
  /** "host" or "host:port" entries; default: the system's resolvers. */
  readonly servers?: readonly string[];
  /** Per-query timeout; default 5 s. */
  readonly timeoutMs?: number;
  /** Attempts per server; default 2. */
  readonly tries?: number;
}

export function createRelayResolver(options: RelayResolverOptions = {}): RelayResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5_000, tries: options.tries ?? 2 });
  if (options.servers) resolver.setServers([...options.servers]);
  return resolver;
}

/** What a DNS question came back with, with "no such name" and "no such data" kept apart. */
export type DnsOutcome<T> =
  | { readonly kind: 'records'; readonly records: T[] }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'nodata' }
  | { readonly kind: 'error'; readonly code: string; readonly error: unknown };

export async function ask<T>(question: () => Promise<T[]>): Promise<DnsOutcome<T>> {
  try {
    const records = await question();
    return records.length === 0 ? { kind: 'nodata' } : { kind: 'records', records };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? 'EUNKNOWN');
    if (code === 'ENOTFOUND') return { kind: 'nxdomain' };
    if (code === 'ENODATA') return { kind: 'nodata' };
    return { kind: 'error', code, error };
  }
}

/**
 * Domain names compared and queried in one form: A-labels (RFC 5890), lower case, no trailing
 * dot. Returns '' for something that is not a domain name.
 */
export function normaliseDomain(name: string): string {
  const trimmed = name.trim().replace(/\.$/, '');
  if (trimmed === '' || /[\s/@]/.test(trimmed)) return '';
  return domainToASCII(trimmed).toLowerCase();
}

/** A and AAAA addresses of a host; an empty list when it has none or the lookup failed. */
export async function resolveAddresses(
  host: string,
  resolver: RelayResolver,
): Promise<{ addresses: string[]; problems: string[] }> {
  const [v4, v6] = await Promise.all([
    ask(() => resolver.resolve4(host)),
    ask(() => resolver.resolve6(host)),
  ]);
  const addresses: string[] = [];
  const problems: string[] = [];
  for (const [family, outcome] of [
    ['A', v4],
    ['AAAA', v6],
  ] as const) {
    if (outcome.kind === 'records') addresses.push(...outcome.records);
    if (outcome.kind === 'error')
      problems.push(`${family} lookup of ${host} failed (${outcome.code})`);
  }
  return { addresses, problems };
}

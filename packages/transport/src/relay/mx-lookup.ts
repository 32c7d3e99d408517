/**
 * The mail servers of a domain (RFC 5321 §5.1): MX records in preference order, equal
 * preferences in random order; no MX at all means the domain itself is the one "implicit MX"
 * when it has an address; a null MX (RFC 7505) means the domain takes no mail.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { ask, normaliseDomain, type RelayResolver } from './relay-resolver.js';

export interface MxHost {
  /** Host name, normalised (A-labels, lower case, no trailing dot). */
  readonly host: string;
  readonly preference: number;
  /** True when there was no MX record and the domain itself stands in (RFC 5321 §5.1). */
  readonly implicit: boolean;
}

export interface MxLookupOptions {
  /** Source of randomness for shuffling equal preferences; tests pass a fixed one. */
  readonly random?: () => number;
}

function shuffleEqualPreferences(hosts: MxHost[], random: () => number): MxHost[] {
  const byPreference = new Map<number, MxHost[]>();
  for (const host of hosts) {
    byPreference.set(host.preference, [...(byPreference.get(host.preference) ?? []), host]);
  }
  return [...byPreference.keys()]
    .sort((a, b) => a - b)
    .flatMap((preference) => {
      const group = [...(byPreference.get(preference) ?? [])];
      for (let i = group.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [group[i], group[j]] = [group[j]!, group[i]!];
      }
      return group;
    });
}

function dnsError(what: string, code: string, cause: unknown): SealpostError {
  return new SealpostError('EDNS', `The DNS lookup of ${what} failed (${code}).`, {
    cause,
    details: { query: what, code },
  });
}

export async function lookupMx(
  domainName: string,
  resolver: RelayResolver,
  options: MxLookupOptions = {},
): Promise<MxHost[]> {
  const domain = normaliseDomain(domainName);
  if (domain === '') {
    throw new SealpostError('ENOMAILHOST', `${quoteUntrusted(domainName)} is not a domain name.`);
  }
  const mx = await ask(() => resolver.resolveMx(domain));
  if (mx.kind === 'error') throw dnsError(`MX ${domain}`, mx.code, mx.error);
  if (mx.kind === 'nxdomain') {
    throw new SealpostError('ENOMAILHOST', `The domain ${domain} does not exist (NXDOMAIN).`, {
      details: { domain },
    });
  }
  if (mx.kind === 'records') {
    // Node reports the root name "." of a null MX as an empty exchange.
    if (mx.records.some((record) => normaliseDomain(record.exchange) === '')) {
      throw new SealpostError('ENULLMX', `${domain} publishes a null MX: it accepts no mail.`, {
        details: { domain },
      });
    }
    const hosts = mx.records.map((record) => ({
      host: normaliseDomain(record.exchange),
      preference: record.priority,
      implicit: false,
    }));
    return shuffleEqualPreferences(hosts, options.random ?? Math.random);
  }

  // No MX records: the implicit MX, if the domain has an address (RFC 5321 §5.1).
  const [v4, v6] = await Promise.all([
    ask(() => resolver.resolve4(domain)),
    ask(() => resolver.resolve6(domain)),
  ]);
  if (v4.kind === 'records' || v6.kind === 'records') {
    return [{ host: domain, preference: 0, implicit: true }];
  }
  const failed = [v4, v6].find((outcome) => outcome.kind === 'error');
  if (failed?.kind === 'error') throw dnsError(`A/AAAA ${domain}`, failed.code, failed.error);
  throw new SealpostError(
    'ENOMAILHOST',
    `${domain} has no MX record and no address record, so it has no mail server.`,
    { details: { domain } },
  );
}

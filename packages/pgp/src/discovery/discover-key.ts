/**
 * Key discovery in a fixed order: WKD (the domain's own answer) before keys.openpgp.org
 * (a third party that verified the address). The first method with a usable key wins; every
 * key says where it came from.
 */
import { SealpostError } from '@sealpost/errors';
import { checkKey } from '../keys/check-key.js';
import type { DiscoveryOptions } from './fetcher.js';
import { lookupVks } from './vks.js';
import { type DiscoveredKey, lookupWkd } from './wkd.js';

export type DiscoveryMethod = 'wkd' | 'vks';

export interface DiscoverKeyOptions extends DiscoveryOptions {
  /** Default ['wkd', 'vks']. */
  readonly methods?: readonly DiscoveryMethod[];
  readonly vksBaseUrl?: string;
  readonly now?: Date;
}

export async function discoverKey(
  address: string,
  options: DiscoverKeyOptions = {},
): Promise<DiscoveredKey> {
  const failures: SealpostError[] = [];
  const rejected: string[] = [];
  for (const method of options.methods ?? ['wkd', 'vks']) {
    let found: DiscoveredKey[];
    try {
      found =
        method === 'wkd'
          ? await lookupWkd(address, options)
          : await lookupVks(address, {
              ...options,
              ...(options.vksBaseUrl ? { baseUrl: options.vksBaseUrl } : {}),
            });
    } catch (err) {
      if (err instanceof SealpostError && err.code === 'EDISCOVERY') {
        failures.push(err);
        continue;
      }
      throw err;
    }
    for (const candidate of found) {
      try {
        await checkKey(candidate.key, {
          purpose: 'encrypt',
          address,
          ...(options.now ? { now: options.now } : {}),
        });
        return candidate;
      } catch (err) {
        rejected.push(`${candidate.source.kind}: ${(err as SealpostError).code ?? 'invalid'}`);
      }
    }
  }
  if (failures.length > 0 && rejected.length === 0) {
    throw new SealpostError('EDISCOVERY', 'Key discovery failed; no source could be asked.', {
      cause: failures[0],
      details: { failures: failures.map((f) => f.message) },
    });
  }
  throw new SealpostError('EKEY_NOT_FOUND', 'No usable key was found for the address.', {
    details: { rejected },
  });
}

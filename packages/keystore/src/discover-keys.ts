/**
 * `keys discover`: ask WKD (draft-koch-openpgp-webkey-service §3.1) and/or a Verifying Key
 * Server for an address, and show every key found with where it came from and whether it is
 * usable — refused keys included, so the user sees why a lookup "found nothing usable".
 */
import { isSealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import { describeKey, type KeyInfo } from './describe-key.js';

export type DiscoveryMethod = 'wkd' | 'vks';

export interface DiscoverKeysOptions {
  readonly methods: readonly DiscoveryMethod[];
  readonly vksBaseUrl?: string;
  readonly fetcher?: Pgp.Fetcher;
  readonly timeoutMs?: number;
}

export interface DiscoveredKeyInfo extends KeyInfo {
  readonly method: DiscoveryMethod;
}

export interface DiscoveryResult {
  readonly address: string;
  readonly found: readonly DiscoveredKeyInfo[];
  readonly failures: readonly { method: DiscoveryMethod; code: string; message: string }[];
  /** The keys themselves (for --import), same order as `found`. */
  readonly keys: readonly Pgp.DiscoveredKey[];
}

export async function discoverKeys(
  address: string,
  options: DiscoverKeysOptions,
): Promise<DiscoveryResult> {
  const pgp = await import('@sealpost/pgp');
  const common = {
    ...(options.fetcher ? { fetcher: options.fetcher } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
  const found: DiscoveredKeyInfo[] = [];
  const keys: Pgp.DiscoveredKey[] = [];
  const failures: DiscoveryResult['failures'][number][] = [];
  for (const method of options.methods) {
    let discovered: Pgp.DiscoveredKey[];
    try {
      discovered =
        method === 'wkd'
          ? await pgp.lookupWkd(address, common)
          : await pgp.lookupVks(address, {
              ...common,
              ...(options.vksBaseUrl ? { baseUrl: options.vksBaseUrl } : {}),
            });
    } catch (err) {
      if (!isSealpostError(err)) throw err;
      failures.push({ method, code: err.code, message: err.message });
      continue;
    }
    for (const d of discovered) {
      keys.push(d);
      found.push({ method, ...(await describeKey(d.key, { source: d.source, address })) });
    }
  }
  return { address, found, failures, keys };
}

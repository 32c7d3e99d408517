/** keys.openpgp.org Verifying Key Server, `GET /vks/v1/by-email/<address>` (its published API). */
import { SealpostError } from '@sealpost/errors';
import { type PublicKey, readKeys } from '../keys/read-keys.js';
import { splitAddress } from './address.js';
import { type DiscoveryOptions, fetchWithLimits } from './fetcher.js';
import type { DiscoveredKey } from './wkd.js';

export const KEYS_OPENPGP_ORG = 'https://keys.openpgp.org';

export interface VksOptions extends DiscoveryOptions {
  /** Default https://keys.openpgp.org. */
  readonly baseUrl?: string;
}

export async function lookupVks(
  address: string,
  options: VksOptions = {},
): Promise<DiscoveredKey[]> {
  splitAddress(address);
  const url = `${options.baseUrl ?? KEYS_OPENPGP_ORG}/vks/v1/by-email/${encodeURIComponent(address)}`;
  let response: Awaited<ReturnType<typeof fetchWithLimits>>;
  try {
    response = await fetchWithLimits(url, options);
  } catch (cause) {
    throw new SealpostError('EDISCOVERY', `The key server at ${url} could not be reached.`, {
      cause,
    });
  }
  if (response.status === 404) return [];
  if (response.status !== 200) {
    throw new SealpostError('EDISCOVERY', `The key server answered HTTP ${response.status}.`, {
      details: { url },
    });
  }
  let keys: PublicKey[];
  try {
    keys = (await readKeys(response.body)).map((k) => k.toPublic());
  } catch (cause) {
    throw new SealpostError('EDISCOVERY', `The key server at ${url} did not return a key.`, {
      cause,
    });
  }
  const wanted = address.toLowerCase();
  const obtainedAt = new Date().toISOString();
  // VKS only publishes verified user IDs; still, never accept a key that does not name the address.
  return keys
    .filter((k) => k.users.some((u) => u.userID?.email.toLowerCase() === wanted))
    .map((key) => ({ key, source: { kind: 'vks' as const, location: url, obtainedAt } }));
}

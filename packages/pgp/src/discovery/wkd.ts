/**
 * Web Key Directory lookup (draft-koch-openpgp-webkey-service §3.1): the advanced method
 * (openpgpkey.<domain>) first, then the direct method; the local part is lower-cased, hashed
 * with SHA-1 and z-base-32 encoded. Only keys with a user ID for the address are kept.
 */
import { SealpostError } from '@sealpost/errors';
import type { KeyProvenance } from '../keys/key-source.js';
import { type PublicKey, readKeys } from '../keys/read-keys.js';
import { splitAddress } from './address.js';
import { type DiscoveryOptions, fetchWithLimits } from './fetcher.js';
import { zBase32 } from './z-base-32.js';

export interface WkdUrls {
  readonly advanced: string;
  readonly direct: string;
}

export async function wkdHash(localPart: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-1',
    new TextEncoder().encode(localPart.toLowerCase()),
  );
  return zBase32(new Uint8Array(digest));
}

export async function wkdUrls(address: string): Promise<WkdUrls> {
  const { local, domain } = splitAddress(address);
  const hash = await wkdHash(local);
  const l = encodeURIComponent(local);
  return {
    advanced: `https://openpgpkey.${domain}/.well-known/openpgpkey/${domain}/hu/${hash}?l=${l}`,
    direct: `https://${domain}/.well-known/openpgpkey/hu/${hash}?l=${l}`,
  };
}

export interface DiscoveredKey {
  readonly key: PublicKey;
  readonly source: KeyProvenance;
}

function forAddress(keys: readonly PublicKey[], address: string): PublicKey[] {
  const wanted = address.toLowerCase();
  return keys.filter((k) => k.users.some((u) => u.userID?.email.toLowerCase() === wanted));
}

/**
 * Looks the address up by WKD. Resolves with the keys found (possibly none); rejects with
 * EDISCOVERY when neither method could be asked (network) or the answer was not a key.
 */
export async function lookupWkd(
  address: string,
  options: DiscoveryOptions = {},
): Promise<DiscoveredKey[]> {
  const urls = await wkdUrls(address);
  const failures: unknown[] = [];
  for (const [kind, url] of [
    ['wkd-advanced', urls.advanced],
    ['wkd-direct', urls.direct],
  ] as const) {
    let status: number;
    let body: Uint8Array;
    try {
      ({ status, body } = await fetchWithLimits(url, options));
    } catch (err) {
      // The draft falls back to the direct method when openpgpkey.<domain> does not resolve.
      failures.push(err);
      continue;
    }
    if (status === 404 || status === 410) continue;
    if (status !== 200) {
      failures.push(new Error(`HTTP ${status} from ${url}`));
      continue;
    }
    let keys: PublicKey[];
    try {
      keys = (await readKeys(body)).map((k) => k.toPublic());
    } catch (cause) {
      throw new SealpostError('EDISCOVERY', `WKD at ${url} did not return an OpenPGP key.`, {
        cause,
      });
    }
    const obtainedAt = new Date().toISOString();
    return forAddress(keys, address).map((key) => ({
      key,
      source: { kind, location: url, obtainedAt },
    }));
  }
  if (failures.length === 2) {
    throw new SealpostError('EDISCOVERY', `WKD lookup for the address failed.`, {
      cause: failures[1],
      details: { urls },
    });
  }
  return [];
}

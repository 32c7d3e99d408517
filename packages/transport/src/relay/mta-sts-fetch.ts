/**
 * Fetching the policy (RFC 8461 §3.3): HTTPS GET of
 * https://mta-sts.<domain>/.well-known/mta-sts.txt with a certificate valid for that name,
 * no redirects, no HTTP caching, status 200, media type text/plain, bounded time and size.
 */
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { type MtaStsPolicy, parseMtaStsPolicy } from './mta-sts-policy.js';
import { type RelayResolver, resolveAddresses } from './relay-resolver.js';

export interface MtaStsPolicyResponse {
  readonly status: number;
  /** The Content-Type header as sent, or null. */
  readonly contentType: string | null;
  readonly body: string;
}

/** Gets the policy file of a domain; injectable so tests and embedders choose the network. */
export interface MtaStsPolicyFetcher {
  fetchPolicy(policyDomain: string): Promise<MtaStsPolicyResponse>;
}

export interface HttpsPolicyFetcherOptions {
  /**
   * Resolves the policy host; default: the system resolver. Pass the relay's resolver so the
   * whole discovery uses one view of DNS.
   */
  readonly resolver?: RelayResolver;
  /** Trusted CAs (PEM); default Node's root store. */
  readonly ca?: string | readonly string[];
  /** Default 443; other values only make sense in tests. */
  readonly port?: number;
  /** RFC 8461 suggests one minute; default 20 s, a sender should not wait longer per domain. */
  readonly timeoutMs?: number;
  /** RFC 8461 suggests 64 KiB. */
  readonly maxBytes?: number;
}

export const POLICY_PATH = '/.well-known/mta-sts.txt';

export function policyHost(policyDomain: string): string {
  return `mta-sts.${policyDomain}`;
}

export function createHttpsPolicyFetcher(
  options: HttpsPolicyFetcherOptions = {},
): MtaStsPolicyFetcher {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const resolver = options.resolver;
  // https.request's `lookup` hook, answered from the injected resolver.
  const lookup = resolver
    ? (
        hostname: string,
        lookupOptions: { all?: boolean },
        callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
      ) => {
        resolveAddresses(hostname, resolver).then(
          ({ addresses }) => {
            if (addresses.length === 0) {
              callback(
                Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }),
                '',
              );
            } else if (lookupOptions.all) {
              callback(
                null,
                addresses.map((address) => ({ address, family: isIP(address) })),
              );
            } else {
              callback(null, addresses[0]!, isIP(addresses[0]!));
            }
          },
          callback as (err: Error) => void,
        );
      }
    : undefined;

  return {
    fetchPolicy(policyDomain) {
      const host = policyHost(policyDomain);
      // node:https (and node:http under it) is loaded on the first fetch, not with the
      // transport: a submission never fetches a policy, and loading them costs a one-shot
      // `send` ~3–5 ms of its start.
      const { request } = process.getBuiltinModule('node:https');
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host,
            servername: host,
            port: options.port ?? 443,
            path: POLICY_PATH,
            method: 'GET',
            // No shared agent: no connection or session reuse between policy fetches.
            agent: false,
            minVersion: 'TLSv1.2',
            rejectUnauthorized: true,
            ...(options.ca === undefined ? {} : { ca: [options.ca].flat() }),
            ...(lookup ? { lookup: lookup as never } : {}),
            timeout: timeoutMs,
            headers: { accept: 'text/plain', 'cache-control': 'no-cache' },
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > maxBytes) {
                req.destroy(new Error(`the policy is larger than ${maxBytes} bytes`));
                return;
              }
              chunks.push(chunk);
            });
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                contentType: res.headers['content-type'] ?? null,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        // The timeout covers the whole exchange, not only socket silence.
        const timer = setTimeout(
          () => req.destroy(new Error(`no policy within ${timeoutMs} ms`)),
          timeoutMs,
        );
        req.on('close', () => clearTimeout(timer));
        req.on('timeout', () => req.destroy(new Error(`no policy within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end();
      });
    },
  };
}

export type FetchedPolicyResult =
  | { readonly ok: true; readonly policy: MtaStsPolicy }
  | { readonly ok: false; readonly reason: string };

/** Fetches and checks a policy; every way it can fail becomes a reason, never a throw. */
export async function fetchMtaStsPolicy(
  policyDomain: string,
  fetcher: MtaStsPolicyFetcher,
): Promise<FetchedPolicyResult> {
  let response: MtaStsPolicyResponse;
  try {
    response = await fetcher.fetchPolicy(policyDomain);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      reason: `fetching the policy failed: ${message}${code ? ` (${code})` : ''}`,
    };
  }
  // 3xx included: "HTTP 3xx redirects MUST NOT be followed".
  if (response.status !== 200) {
    return { ok: false, reason: `the policy host answered HTTP ${response.status}, not 200` };
  }
  const mediaType = (response.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'text/plain') {
    return {
      ok: false,
      reason: `the policy was served as ${JSON.stringify(mediaType)}, not text/plain`,
    };
  }
  const parsed = parseMtaStsPolicy(response.body);
  return parsed.ok ? parsed : { ok: false, reason: `the policy is invalid: ${parsed.reason}` };
}

/**
 * The one network primitive key discovery needs, injectable (PKI.js style: crypto and IO are
 * parameters with defaults) so tests, browsers and edge workers can pass their own.
 */
import { SealpostError } from '@sealpost/errors';

export interface FetchResponse {
  readonly status: number;
  readonly body: Uint8Array;
}

export interface FetchOptions {
  readonly signal: AbortSignal;
  /** Refuse bodies larger than this (a key server must not fill our memory). */
  readonly maxBytes: number;
}

/** GET a URL over HTTPS; resolves with any HTTP status, rejects on network failure. */
export type Fetcher = (url: string, options: FetchOptions) => Promise<FetchResponse>;

/** The default fetcher: the runtime's fetch (certificates verified by the runtime). */
export const defaultFetcher: Fetcher = async (url, { signal, maxBytes }) => {
  const response = await fetch(url, { signal, redirect: 'follow' });
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel();
        throw new SealpostError('EDISCOVERY', `The response from ${url} is too large.`);
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { status: response.status, body };
};

export interface DiscoveryOptions {
  readonly fetcher?: Fetcher;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
  /** Default 1 MiB. */
  readonly maxBytes?: number;
}

/** Runs the fetcher with a timeout and size limit. */
export function fetchWithLimits(url: string, options: DiscoveryOptions): Promise<FetchResponse> {
  const fetcher = options.fetcher ?? defaultFetcher;
  return fetcher(url, {
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    maxBytes: options.maxBytes ?? 1024 * 1024,
  });
}

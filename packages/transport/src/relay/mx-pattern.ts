/**
 * MX host validation against a policy's "mx" patterns (RFC 8461 §4.1): the rules of RFC 6125
 * without partial-label wildcards, so "*.example.com" matches "mx.example.com" but neither
 * "example.com" nor "a.b.example.com".
 */
import { normaliseDomain } from './relay-resolver.js';

export function mxMatchesPattern(mxHost: string, pattern: string): boolean {
  const host = normaliseDomain(mxHost);
  const wanted = pattern.toLowerCase().replace(/\.$/, '');
  if (host === '' || wanted === '') return false;
  if (!wanted.startsWith('*.')) return host === wanted;
  const suffix = wanted.slice(1); // ".example.com"
  if (!host.endsWith(suffix)) return false;
  const leftmost = host.slice(0, -suffix.length);
  return leftmost !== '' && !leftmost.includes('.');
}

export function mxMatchesPolicy(mxHost: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => mxMatchesPattern(mxHost, pattern));
}

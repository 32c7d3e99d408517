/**
 * Which command is running, for the code cache (decision 0130): V8 caches the functions a run
 * compiled, so `decrypt` keeps its own cache of openpgp.js instead of reusing the one an
 * `inspect` wrote (which holds almost none of the decryption code).
 */
let profile = 'default';

export function setCodeCacheProfile(name: string): void {
  if (/^[a-z][a-z0-9-]{0,31}$/.test(name)) profile = name;
}

export function codeCacheProfile(): string {
  return profile;
}

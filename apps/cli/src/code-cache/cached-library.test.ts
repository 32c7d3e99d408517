import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCachedLibrary } from './cached-library.js';
import { codeCacheDirs } from './code-cache-dir.js';
import { setCodeCacheProfile } from './code-cache-profile.js';

// A library file as scripts/bundle.mjs writes one: CommonJS, with its URL as a parameter.
const LIBRARY = `
const { createHash } = require('node:crypto');
exports.lib = {
  sha: (s) => createHash('sha256').update(s).digest('hex').slice(0, 8),
  url: __sealpostLibraryUrl,
  twice: (n) => n * 2,
};
`;

let dir: string;
let counter = 0;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-code-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A library file in a directory of its own (the loader runs each file once per process). */
function libraryFile(text = LIBRARY, name = 'lib-ABCDEF12.cjs'): URL {
  const own = join(dir, `build-${++counter}`);
  mkdirSync(own);
  writeFileSync(join(own, name), text);
  return pathToFileURL(join(own, name));
}

function load(url: URL, cacheDirs: string[]) {
  let write: (() => void) | undefined;
  const loaded = loadCachedLibrary(url, { cacheDirs, onExit: (w) => (write = w) });
  return { loaded, write: () => write?.() };
}

const lib = (l: { exports: Record<string, unknown> }) =>
  l.exports.lib as { sha(s: string): string; url: string; twice(n: number): number };

describe('loadCachedLibrary (decision 0130)', () => {
  it('writes a private cache at exit and compiles from it next time, with the same result', () => {
    const cache = join(dir, 'cache');
    const url = libraryFile();
    const first = load(url, [cache]);
    expect(first.loaded.fromCache).toBe(false);
    expect(lib(first.loaded).twice(21)).toBe(42);
    expect(lib(first.loaded).url).toBe(url.href);
    expect(loadCachedLibrary(url, { cacheDirs: [cache] })).toBe(first.loaded); // once per process
    first.write();
    const [name] = readdirSync(cache);
    expect(name).toMatch(/^lib-[0-9a-f]{32}\.default\.v\d+\.\d+\.\d+-\w+-\d+\.v8$/);
    expect(statSync(join(cache, name!)).mode & 0o777).toBe(0o600);
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    // The same library file of another build directory: what a later process reads.
    const second = load(libraryFile(), [cache]);
    expect(second.loaded.fromCache).toBe(true);
    expect(lib(second.loaded).sha('x')).toBe('2d711642');
    expect(readdirSync(cache)).toEqual([name]);
  });

  it('never uses the cache of other code of the same length (V8 checks only the length)', () => {
    const cache = join(dir, 'cache');
    load(libraryFile(), [cache]).write();
    const changed = LIBRARY.replace('n * 2', 'n * 3');
    expect(changed.length).toBe(LIBRARY.length);
    const other = load(libraryFile(changed), [cache]);
    expect(other.loaded.fromCache).toBe(false);
    expect(lib(other.loaded).twice(2)).toBe(6);
    other.write(); // replaces the cache of the earlier build
    expect(readdirSync(cache)).toHaveLength(1);
  });

  it('compiles as without a cache when V8 rejects the file, and replaces it', () => {
    const cache = join(dir, 'cache');
    load(libraryFile(), [cache]).write();
    const [name] = readdirSync(cache);
    writeFileSync(join(cache, name!), Buffer.from('not a V8 code cache'), { mode: 0o600 });
    const third = load(libraryFile(), [cache]);
    expect(third.loaded.fromCache).toBe(false);
    expect(lib(third.loaded).twice(2)).toBe(4);
    third.write();
    expect(readFileSync(join(cache, name!)).toString()).not.toBe('not a V8 code cache');
    expect(load(libraryFile(), [cache]).loaded.fromCache).toBe(true);
  });

  it('runs without a cache when no directory can be written', () => {
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    const result = load(libraryFile(), [join(blocked, 'cache')]);
    expect(lib(result.loaded).twice(3)).toBe(6);
    expect(() => result.write()).not.toThrow();
  });

  it('falls back to the next directory, and never reads a cache others may write', () => {
    const open = join(dir, 'shared');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    const own = join(dir, 'own');
    const url = libraryFile();
    load(url, [open, own]).write();
    expect(readdirSync(open)).toEqual([]);
    expect(readdirSync(own)).toHaveLength(1);
  });

  it('never reads a cache file that others may write', () => {
    const cache = join(dir, 'cache');
    load(libraryFile(), [cache]).write();
    const [name] = readdirSync(cache);
    chmodSync(join(cache, name!), 0o666);
    expect(load(libraryFile(), [cache]).loaded.fromCache).toBe(false);
  });
});

describe('the cache per command', () => {
  afterEach(() => setCodeCacheProfile('default'));

  it('keeps one cache per command for the same build', () => {
    const cache = join(dir, 'cache');
    setCodeCacheProfile('inspect');
    load(libraryFile(), [cache]).write();
    setCodeCacheProfile('decrypt');
    const decrypt = load(libraryFile(), [cache]);
    expect(decrypt.loaded.fromCache).toBe(false);
    decrypt.write();
    expect(
      readdirSync(cache)
        .map((n) => n.split('.')[1])
        .sort(),
    ).toEqual(['decrypt', 'inspect']);
    expect(load(libraryFile(), [cache]).loaded.fromCache).toBe(true);
  });
});

describe('codeCacheDirs', () => {
  it('tries next to the binary first, then $XDG_CACHE_HOME/sealpost/v8', () => {
    expect(codeCacheDirs('/opt/sealpost/dist/openpgp-X.cjs', { XDG_CACHE_HOME: '/c' })).toEqual([
      '/opt/sealpost/dist/.v8-cache',
      '/c/sealpost/v8',
    ]);
  });

  it('ignores a relative XDG_CACHE_HOME (XDG spec) and uses ~/.cache', () => {
    const dirs = codeCacheDirs('/d/x.cjs', { XDG_CACHE_HOME: 'relative' });
    expect(dirs[1]).toMatch(/\/\.cache\/sealpost\/v8$/);
  });
});

/**
 * Loads a bundled crypto library (openpgp.js, pkijs + asn1js; a CommonJS file written by
 * scripts/bundle.mjs) through `vm.Script` with a V8 code cache (decision 0130): Node 20 has no
 * compile cache for ES modules, and compiling openpgp.js's ~880 KB is most of a one-shot
 * `decrypt`'s compile time. The cache is only ever an optimisation: a missing, unreadable,
 * foreign or rejected cache means compiling as without one, and a cache that cannot be
 * written is not written.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';
import { codeCacheDirs, ensurePrivateDir, privatelyOwned } from './code-cache-dir.js';
import { codeCacheProfile } from './code-cache-profile.js';

/** The parameters the library file is compiled with (CommonJS, plus its own URL). */
const WRAPPER_HEAD =
  '(function (exports, require, module, __filename, __dirname, __sealpostLibraryUrl) {';
const WRAPPER_TAIL = '\n})';

export interface CachedLibraryOptions {
  /** Default: process.env (XDG_CACHE_HOME). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where to look and write, in order; default codeCacheDirs(). For tests. */
  readonly cacheDirs?: readonly string[];
  /** Called when the process exits (default); tests call the returned writer themselves. */
  readonly onExit?: (write: () => void) => void;
}

export interface LoadedLibrary {
  readonly exports: Record<string, unknown>;
  /** Whether V8 accepted a cache for this compile. */
  readonly fromCache: boolean;
}

const loaded = new Map<string, LoadedLibrary>();

/** The library's name without the build hash: `openpgp` for openpgp-0123ABCD.cjs. */
function libraryName(libraryFile: string): string {
  return basename(libraryFile).replace(/(-[A-Z0-9]{8})?\.c?js$/, '');
}

/**
 * The cache file's name. V8 checks a cache only against the source's length (and its own
 * version and flags), not its content, so the name carries a hash of the source actually
 * read: a library file changed in place never runs the code cached for the old one. The V8
 * tag covers the V8 version and the flags that change code.
 */
function cacheName(
  libraryFile: string,
  source: string,
): { name: string; keep: (n: string) => boolean } {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 32);
  const runtime = `${process.version}-${process.arch}-${cachedDataVersionTag()}`;
  const head = `${libraryName(libraryFile)}-${hash}.`;
  return {
    name: `${head}${codeCacheProfile()}.${runtime}.v8`,
    // The other commands' caches of this build and runtime stay; earlier ones go.
    keep: (n) => n.startsWith(head) && n.endsWith(`.${runtime}.v8`),
  };
}

function readCache(dirs: readonly string[], name: string): Buffer | undefined {
  for (const dir of dirs) {
    const file = join(dir, name);
    if (!privatelyOwned(dir, 'directory') || !privatelyOwned(file, 'file')) continue;
    try {
      return readFileSync(file);
    } catch {
      // unreadable: try the next place, or compile without
    }
  }
  return undefined;
}

/**
 * Writes the cache atomically (temporary file + rename) into the first usable directory; the
 * cache is only serialised once a directory is found (it costs a few milliseconds).
 */
function writeCache(
  dirs: readonly string[],
  name: string,
  stale: (n: string) => boolean,
  serialise: () => Buffer,
): void {
  for (const dir of dirs) {
    if (!ensurePrivateDir(dir)) continue;
    const temporary = join(dir, `.${name}.${process.pid}.tmp`);
    try {
      writeFileSync(temporary, serialise(), { mode: 0o600, flag: 'wx' });
      renameSync(temporary, join(dir, name));
    } catch {
      rmSync(temporary, { force: true });
      continue;
    }
    // Caches of earlier builds or Node versions of this library are never read again.
    for (const old of readdirSync(dir)) {
      if (old !== name && stale(old)) rmSync(join(dir, old), { force: true });
    }
    return;
  }
}

/** Runs the library file once per process and returns its exports. */
export function loadCachedLibrary(
  libraryUrl: string | URL,
  options: CachedLibraryOptions = {},
): LoadedLibrary {
  const libraryFile = fileURLToPath(libraryUrl);
  const known = loaded.get(libraryFile);
  if (known) return known;
  const source = readFileSync(libraryFile, 'utf8');
  const dirs = options.cacheDirs ?? codeCacheDirs(libraryFile, options.env ?? process.env);
  const { name, keep } = cacheName(libraryFile, source);
  const prefix = `${libraryName(libraryFile)}-`;
  const cachedData = readCache(dirs, name);
  const script = new Script(`${WRAPPER_HEAD}${source}${WRAPPER_TAIL}`, {
    filename: libraryFile,
    ...(cachedData ? { cachedData } : {}),
  });
  const fromCache = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(
    module.exports,
    createRequire(libraryFile),
    module,
    libraryFile,
    dirname(libraryFile),
    new URL(libraryUrl).href,
  );
  const result: LoadedLibrary = { exports: module.exports, fromCache };
  loaded.set(libraryFile, result);
  if (!fromCache) {
    // At exit the functions this run compiled lazily are in the cache too.
    const write = () => {
      try {
        writeCache(
          dirs,
          name,
          (n) => n.startsWith(prefix) && n.endsWith('.v8') && !keep(n),
          () => script.createCachedData(),
        );
      } catch {
        // never a reason to fail the command
      }
    };
    (options.onExit ?? ((w) => process.once('exit', w)))(write);
  }
  return result;
}

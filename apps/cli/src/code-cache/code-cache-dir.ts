/**
 * Where the V8 code cache of the bundled crypto libraries lives (decision 0130): next to the
 * binary when that directory is writable (whoever can write there can change the binary
 * itself), else $XDG_CACHE_HOME/sealpost/v8 (XDG Base Directory spec; ~/.cache by default).
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** The candidate directories, in the order they are tried. */
export function codeCacheDirs(libraryFile: string, env: NodeJS.ProcessEnv): string[] {
  const xdg = env.XDG_CACHE_HOME;
  // The spec says to ignore a relative XDG_CACHE_HOME.
  let base: string | undefined = xdg && isAbsolute(xdg) ? xdg : undefined;
  if (!base) {
    try {
      base = join(homedir(), '.cache');
    } catch {
      base = undefined; // no home directory: only the one next to the binary
    }
  }
  const dirs = [join(dirname(libraryFile), '.v8-cache')];
  if (base) dirs.push(join(base, 'sealpost', 'v8'));
  return dirs;
}

/**
 * Whether a cache file or directory may be trusted: ours and writable by nobody else. Code in
 * a cache file runs as the user, so one another user could have written is never read.
 */
export function privatelyOwned(path: string, kind: 'file' | 'directory'): boolean {
  try {
    const stat = lstatSync(path);
    if (kind === 'file' ? !stat.isFile() : !stat.isDirectory()) return false;
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) return false;
    return (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Creates the directory (0700) if needed; true when it exists and may be trusted. */
export function ensurePrivateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  return privatelyOwned(dir, 'directory');
}

/**
 * KeyFileCache: parsed key files (recipient keys, keyring and certificate-store items and
 * indexes, a signing key) kept in memory by a long-running sender such as sealpost-worker, so a
 * request does not read and parse the same files again. An entry is reused only while the file's
 * stat(2) identity — size, mtime, ctime, inode — is unchanged; any rewrite or rename over it
 * makes the next read parse the file anew. Bounded: the least recently used entries go first.
 * Nothing is written anywhere: a decrypted signing key in it lives in this process's memory only.
 */
import { statSync } from 'node:fs';

export interface KeyFileCacheOptions {
  /** Entries kept at most (files, not keys); default 1000. */
  readonly maxEntries?: number;
}

interface Entry {
  readonly identity: string;
  readonly value: Promise<unknown>;
}

const MISSING = 'missing';

/**
 * The file's identity, or MISSING when there is none (a keyring without an index yet). A
 * synchronous stat: one system call on a local file, far cheaper than a trip through the
 * thread pool for every key file of every request.
 */
function identityOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return MISSING;
    throw err;
  }
}

export class KeyFileCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(options: KeyFileCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 1000);
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * `parse()`'s result for `path`, parsed again whenever the file changed since. `kind` keeps
   * different readings of one file apart (its recipient keys, its signing key). A failed parse
   * is not kept: the next call tries again.
   */
  async read<T>(path: string, kind: string, parse: () => Promise<T>): Promise<T> {
    const key = `${kind}\u0000${path}`;
    const identity = identityOf(path);
    const held = this.entries.get(key);
    if (held && held.identity === identity) {
      // Most recently used last: Map keeps insertion order, so re-insert.
      this.entries.delete(key);
      this.entries.set(key, held);
      return held.value as Promise<T>;
    }
    const value = parse();
    const entry: Entry = { identity, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
  }
}

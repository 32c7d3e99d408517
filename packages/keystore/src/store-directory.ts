/**
 * What the OpenPGP keyring and the S/MIME certificate store share on disk: a directory (0700)
 * with one file per object below `<items>/`, named by its fingerprint, and an `index.json`
 * (version 1) describing them. Every write goes to a temporary file (0600) that is then
 * renamed over the target (rename(2) is atomic within a file system), so a crash never leaves
 * a half-written object or index. A name is only ever built from a checked fingerprint.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SealpostError } from '@sealpost/errors';

export interface StoreLayout {
  /** The folder below the store directory holding one file per object ("keys", "certs"). */
  readonly items: string;
  /** The file name ending of each object (".asc", ".pem"). */
  readonly extension: string;
  /** The index property holding the entries ("keys", "certs"). */
  readonly indexKey: string;
  /** A valid fingerprint, as stored: only these ever become file names. */
  readonly fingerprint: RegExp;
  /** Names the store in error messages ("keyring", "certificate store"). */
  readonly label: string;
}

export class StoreDirectory<Entry> {
  private constructor(
    readonly directory: string,
    private readonly layout: StoreLayout,
    private entries: Readonly<Record<string, Entry>>,
  ) {}

  /** Opens (creating if needed) the store; a damaged index is EIO, never a silent fresh start. */
  static async open<Entry>(directory: string, layout: StoreLayout): Promise<StoreDirectory<Entry>> {
    try {
      await mkdir(join(directory, layout.items), { recursive: true, mode: 0o700 });
    } catch (cause) {
      throw new SealpostError('EIO', `The ${layout.label} ${directory} cannot be created.`, {
        cause,
      });
    }
    let entries: Record<string, Entry> = {};
    try {
      const parsed = JSON.parse(await readFile(join(directory, 'index.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      const stored = parsed[layout.indexKey];
      if (parsed.version !== 1 || typeof stored !== 'object' || stored === null) {
        throw new Error('unknown index version');
      }
      entries = stored as Record<string, Entry>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new SealpostError(
          'EIO',
          `The ${layout.label} index in ${directory} cannot be read.`,
          {
            cause: err,
          },
        );
      }
    }
    return new StoreDirectory(directory, layout, entries);
  }

  list(): Entry[] {
    return Object.values(this.entries);
  }

  entry(fingerprint: string): Entry | undefined {
    return this.isFingerprint(fingerprint) ? this.entries[fingerprint] : undefined;
  }

  isFingerprint(fingerprint: string): boolean {
    return this.layout.fingerprint.test(fingerprint);
  }

  /** The stored file's text; EIO (naming the repair) when the index lists it but it is gone. */
  async readItem(fingerprint: string, repair: string): Promise<string> {
    try {
      return await readFile(this.itemPath(fingerprint), 'utf8');
    } catch (cause) {
      throw new SealpostError(
        'EIO',
        `${fingerprint} is in the ${this.layout.label} index of ${this.directory} but its file cannot be read; ${repair}.`,
        { cause },
      );
    }
  }

  /** Writes the object's file, then the index with its entry. */
  async put(fingerprint: string, data: string, entry: Entry): Promise<void> {
    await this.writeAtomically(this.itemPath(fingerprint), data);
    this.entries = { ...this.entries, [fingerprint]: entry };
    await this.saveIndex();
  }

  /** Drops the entry from the index first (a crash then leaves only an unlisted file). */
  async delete(fingerprint: string): Promise<boolean> {
    if (!this.entry(fingerprint)) return false;
    const { [fingerprint]: _removed, ...rest } = this.entries;
    this.entries = rest;
    await this.saveIndex();
    await rm(this.itemPath(fingerprint), { force: true });
    return true;
  }

  /** The object's file (for a cache keyed on it); EINTERNAL for a malformed fingerprint. */
  itemPath(fingerprint: string): string {
    if (!this.isFingerprint(fingerprint)) {
      throw new SealpostError(
        'EINTERNAL',
        `A ${this.layout.label} path was asked for a malformed fingerprint.`,
      );
    }
    return join(this.directory, this.layout.items, `${fingerprint}${this.layout.extension}`);
  }

  private saveIndex(): Promise<void> {
    const index = { version: 1, [this.layout.indexKey]: this.entries };
    return this.writeAtomically(
      join(this.directory, 'index.json'),
      `${JSON.stringify(index, null, 2)}\n`,
    );
  }

  private async writeAtomically(path: string, data: string): Promise<void> {
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(temp, data, { mode: 0o600 });
      await rename(temp, path);
    } catch (cause) {
      await rm(temp, { force: true });
      throw new SealpostError('EIO', `The ${this.layout.label} file ${path} cannot be written.`, {
        cause,
      });
    }
  }
}

/**
 * A keyring on disk: one armored certificate per file (`keys/<FINGERPRINT>.asc`) and an
 * `index.json` by fingerprint and e-mail with each key's source. Public keys only: secret
 * keys stay in the files or the GnuPG home the user keeps them in. Node-only.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SealpostError } from '@sealpost/errors';
import { type KeySource, keyEmails } from '../keys/key-source.js';
import { armorPublicKey, type Key, type PublicKey, readPublicKey } from '../keys/read-keys.js';

export interface KeyringEntry {
  /** Upper-case hex fingerprint of the primary key. */
  readonly fingerprint: string;
  readonly userIds: readonly string[];
  /** Lower-cased e-mail addresses of the user IDs. */
  readonly emails: readonly string[];
  readonly source: KeySource;
}

interface IndexFile {
  readonly version: 1;
  readonly keys: Record<string, KeyringEntry>;
}

const FINGERPRINT = /^[0-9A-F]{40}$|^[0-9A-F]{64}$/;

export class Keyring {
  private constructor(
    readonly directory: string,
    private index: IndexFile,
  ) {}

  /** Opens (creating if needed) the keyring in `directory`. */
  static async open(directory: string): Promise<Keyring> {
    await mkdir(join(directory, 'keys'), { recursive: true, mode: 0o700 });
    let index: IndexFile = { version: 1, keys: {} };
    try {
      index = JSON.parse(await readFile(join(directory, 'index.json'), 'utf8')) as IndexFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new SealpostError('EIO', `The keyring index in ${directory} cannot be read.`, {
          cause: err,
        });
      }
    }
    return new Keyring(directory, index);
  }

  /** Adds a key or merges it into the stored copy (new subkeys, signatures, revocations). */
  async add(key: Key, source: KeySource): Promise<KeyringEntry> {
    const fingerprint = key.getFingerprint().toUpperCase();
    let merged: PublicKey = key.toPublic();
    // A stored copy whose file went missing is replaced: importing again is the repair.
    const existing = await this.get(fingerprint).catch(() => undefined);
    if (existing) merged = await existing.update(merged);
    const entry: KeyringEntry = {
      fingerprint,
      userIds: merged.getUserIDs(),
      emails: keyEmails(merged),
      source,
    };
    await this.writeAtomically(this.keyPath(fingerprint), armorPublicKey(merged));
    this.index = { version: 1, keys: { ...this.index.keys, [fingerprint]: entry } };
    await this.saveIndex();
    return entry;
  }

  list(): KeyringEntry[] {
    return Object.values(this.index.keys);
  }

  /** The stored key with this fingerprint, if any. */
  async get(fingerprint: string): Promise<PublicKey | undefined> {
    const fp = fingerprint.replace(/\s+/g, '').toUpperCase();
    if (!FINGERPRINT.test(fp) || !this.index.keys[fp]) return undefined;
    let armored: string;
    try {
      armored = await readFile(this.keyPath(fp), 'utf8');
    } catch (cause) {
      throw new SealpostError(
        'EIO',
        `Key ${fp} is in the keyring index of ${this.directory} but its file cannot be read; import it again or remove it ("sealpost keys remove ${fp}").`,
        { cause },
      );
    }
    return readPublicKey(armored);
  }

  /** Entries whose user IDs carry this address (case-insensitive). */
  findByEmail(address: string): KeyringEntry[] {
    const wanted = address.trim().toLowerCase();
    return this.list().filter((e) => e.emails.includes(wanted));
  }

  /** Keys whose user IDs carry this address, with their sources. */
  async keysForEmail(address: string): Promise<{ key: PublicKey; source: KeySource }[]> {
    const out: { key: PublicKey; source: KeySource }[] = [];
    for (const entry of this.findByEmail(address)) {
      const key = await this.get(entry.fingerprint);
      if (key) out.push({ key, source: entry.source });
    }
    return out;
  }

  async remove(fingerprint: string): Promise<boolean> {
    const fp = fingerprint.toUpperCase();
    if (!this.index.keys[fp]) return false;
    const { [fp]: _removed, ...rest } = this.index.keys;
    this.index = { version: 1, keys: rest };
    await this.saveIndex();
    await rm(this.keyPath(fp), { force: true });
    return true;
  }

  private keyPath(fingerprint: string): string {
    if (!FINGERPRINT.test(fingerprint)) {
      throw new SealpostError('EINTERNAL', 'A keyring path was asked for a malformed fingerprint.');
    }
    return join(this.directory, 'keys', `${fingerprint}.asc`);
  }

  private saveIndex(): Promise<void> {
    return this.writeAtomically(
      join(this.directory, 'index.json'),
      `${JSON.stringify(this.index, null, 2)}\n`,
    );
  }

  /** Write then rename, so a crash never leaves a half-written key or index. */
  private async writeAtomically(path: string, data: string): Promise<void> {
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(temp, data, { mode: 0o600 });
      await rename(temp, path);
    } catch (cause) {
      await rm(temp, { force: true });
      throw new SealpostError('EIO', `The keyring file ${path} cannot be written.`, { cause });
    }
  }
}

/**
 * The OpenPGP keyring on disk: one armored certificate (RFC 9580 §6) per file,
 * `keys/<FINGERPRINT>.asc`, and an `index.json` by fingerprint and e-mail with each key's
 * source. Public keys only: secret keys stay in the files or the GnuPG home the user keeps
 * them in (decision 0052). openpgp.js is loaded only by the operations that parse or write keys.
 */
import type * as Pgp from '@sealpost/pgp';
import type { KeyFileCache } from './key-file-cache.js';
import { StoreDirectory } from './store-directory.js';

export interface KeyringEntry {
  /** Upper-case hex fingerprint of the primary key. */
  readonly fingerprint: string;
  readonly userIds: readonly string[];
  /** Lower-cased e-mail addresses of the user IDs. */
  readonly emails: readonly string[];
  readonly source: Pgp.KeyProvenance;
}

const LAYOUT = {
  items: 'keys',
  extension: '.asc',
  indexKey: 'keys',
  fingerprint: /^[0-9A-F]{40}$|^[0-9A-F]{64}$/,
  label: 'keyring',
} as const;

function normalise(fingerprint: string): string {
  return fingerprint.replace(/\s+/g, '').toUpperCase();
}

export class Keyring {
  private constructor(
    private readonly store: StoreDirectory<KeyringEntry>,
    private readonly cache?: KeyFileCache,
  ) {}

  get directory(): string {
    return this.store.directory;
  }

  /**
   * Opens (creating if needed) the keyring in `directory`. With a `cache`, stored keys are
   * parsed once per file version and the same objects are returned: for readers such as a
   * worker resolving recipients, not for a process that changes keys it got from `get`.
   */
  static async open(directory: string, options: { cache?: KeyFileCache } = {}): Promise<Keyring> {
    return new Keyring(await StoreDirectory.open<KeyringEntry>(directory, LAYOUT), options.cache);
  }

  /** Adds a key or merges it into the stored copy (new subkeys, signatures, revocations). */
  async add(key: Pgp.Key, source: Pgp.KeyProvenance): Promise<KeyringEntry> {
    const pgp = await import('@sealpost/pgp');
    const fingerprint = key.getFingerprint().toUpperCase();
    let merged: Pgp.PublicKey = key.toPublic();
    // A stored copy whose file went missing is replaced: importing again is the repair.
    const existing = await this.get(fingerprint).catch(() => undefined);
    if (existing) merged = await existing.update(merged);
    const entry: KeyringEntry = {
      fingerprint,
      userIds: merged.getUserIDs(),
      emails: pgp.keyEmails(merged),
      source,
    };
    await this.store.put(fingerprint, pgp.armorPublicKey(merged), entry);
    return entry;
  }

  list(): KeyringEntry[] {
    return this.store.list();
  }

  /** The stored key with this fingerprint (spaces and case ignored), if any. */
  async get(fingerprint: string): Promise<Pgp.PublicKey | undefined> {
    const fp = normalise(fingerprint);
    if (!this.store.entry(fp)) return undefined;
    const parse = async () => {
      const armored = await this.store.readItem(
        fp,
        `import it again or remove it ("sealpost keys remove ${fp}")`,
      );
      const pgp = await import('@sealpost/pgp');
      return pgp.readPublicKey(armored);
    };
    return this.cache ? this.cache.read(this.store.itemPath(fp), 'keyring key', parse) : parse();
  }

  /** Entries whose user IDs carry this address (case-insensitive). */
  findByEmail(address: string): KeyringEntry[] {
    const wanted = address.trim().toLowerCase();
    return this.list().filter((e) => e.emails.includes(wanted));
  }

  /** Keys whose user IDs carry this address, with their sources. */
  async keysForEmail(
    address: string,
  ): Promise<{ key: Pgp.PublicKey; source: Pgp.KeyProvenance }[]> {
    const out: { key: Pgp.PublicKey; source: Pgp.KeyProvenance }[] = [];
    for (const entry of this.findByEmail(address)) {
      const key = await this.get(entry.fingerprint);
      if (key) out.push({ key, source: entry.source });
    }
    return out;
  }

  async remove(fingerprint: string): Promise<boolean> {
    return this.store.delete(normalise(fingerprint));
  }
}

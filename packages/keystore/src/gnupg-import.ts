/**
 * Import from the user's GnuPG keyring (`gpg --export`), so keys people already have can be
 * reused. Public keys only; gpg runs with --batch and a timeout.
 */
import { SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type { Keyring, KeyringEntry } from './keyring.js';

export interface GnupgExportOptions {
  /** GNUPGHOME to read; default: gpg's own default (GNUPGHOME or ~/.gnupg). */
  readonly gnupgHome?: string;
  /** User IDs, e-mail addresses or fingerprints to export; default: every public key. */
  readonly select?: readonly string[];
  /** The gpg binary; default "gpg". */
  readonly gpgPath?: string;
  readonly timeoutMs?: number;
}

/** Runs `gpg --export` and reads the keys it prints. */
export async function exportFromGnupg(options: GnupgExportOptions = {}): Promise<Pgp.PublicKey[]> {
  // Loaded on use: node:child_process costs every one-shot command ~2 ms at start-up.
  const { execFile } = await import('node:child_process');
  const args = [
    ...(options.gnupgHome ? ['--homedir', options.gnupgHome] : []),
    '--batch',
    '--no-tty',
    '--export',
    '--',
    ...(options.select ?? []),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      options.gpgPath ?? 'gpg',
      args,
      { encoding: 'buffer', timeout: options.timeoutMs ?? 30_000, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout) => {
        if (err) {
          reject(
            new SealpostError('EIO', 'gpg --export failed; is GnuPG installed?', { cause: err }),
          );
          return;
        }
        if (stdout.length === 0) {
          resolve([]);
          return;
        }
        import('@sealpost/pgp')
          .then((pgp) => pgp.readKeys(new Uint8Array(stdout)))
          .then((keys) => resolve(keys.map((k) => k.toPublic())), reject);
      },
    );
  });
}

/** Exports from GnuPG and adds every key to the keyring with source "gnupg". */
export async function importFromGnupg(
  keyring: Keyring,
  options: GnupgExportOptions = {},
): Promise<KeyringEntry[]> {
  const keys = await exportFromGnupg(options);
  const source: Pgp.KeyProvenance = {
    kind: 'gnupg',
    location: options.gnupgHome ?? 'default GnuPG home',
    obtainedAt: new Date().toISOString(),
  };
  const entries: KeyringEntry[] = [];
  for (const key of keys) entries.push(await keyring.add(key, source));
  return entries;
}

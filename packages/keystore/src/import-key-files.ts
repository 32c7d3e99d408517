/**
 * Importing key files into the stores (`keys import FILE`, `certs import FILE`): public
 * OpenPGP keys into the keyring (any number per file, armored or binary; a secret key is
 * reduced to its public part), X.509 certificates into the certificate store. A file of the
 * other kind is refused with the command that takes it.
 */
import { resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type { CertRole, CertStore, CertStoreEntry } from './cert-store.js';
import { readKeyBytes } from './key-material.js';
import type { Keyring } from './keyring.js';
import { readRecipientKeyFile } from './recipient-key-file.js';
import { readRevocationCertificate } from './revocation-certificate.js';
import { applyRevocationCertificate } from './revoke-key.js';

export interface ImportedKey {
  /** The key as stored (merged with an earlier copy). */
  readonly key: Pgp.PublicKey;
  readonly source: Pgp.KeyProvenance;
  /** Set when the file was a revocation certificate, applied to this keyring key. */
  readonly revoked?: true;
}

/**
 * Adds every OpenPGP key of the file to the keyring with source "file"; a revocation
 * certificate is applied to the keyring key it revokes instead (its source kept).
 */
export async function importKeyFile(
  keyring: Keyring,
  file: string,
  options: { readonly cwd?: string } = {},
): Promise<ImportedKey[]> {
  const revocation = readRevocationCertificate(await readKeyBytes(file, options.cwd));
  if (revocation) {
    const revoked = await applyRevocationCertificate(keyring, revocation, file);
    return [{ key: revoked.key, source: revoked.source, revoked: true }];
  }
  const contents = await readRecipientKeyFile(file, options);
  if (contents.pgpKeys.length === 0) {
    throw new SealpostError(
      'EKEY_FILE',
      `${quoteUntrusted(file)} holds X.509 certificates: import them with "sealpost certs import".`,
      { details: { file } },
    );
  }
  const imported: ImportedKey[] = [];
  const location = resolve(options.cwd ?? '.', file);
  for (const key of contents.pgpKeys) {
    const source = { kind: 'file' as const, location, obtainedAt: new Date().toISOString() };
    await keyring.add(key, source);
    imported.push({ key: (await keyring.get(key.getFingerprint())) ?? key, source });
  }
  return imported;
}

/** Adds every certificate of the file to the store with this role and source "file". */
export async function importCertificateFile(
  store: CertStore,
  file: string,
  role: CertRole,
  options: { readonly cwd?: string } = {},
): Promise<CertStoreEntry[]> {
  const contents = await readRecipientKeyFile(file, options);
  if (contents.certificates.length === 0) {
    throw new SealpostError(
      'EKEY_FILE',
      `${quoteUntrusted(file)} holds OpenPGP keys: import them with "sealpost keys import".`,
      { details: { file } },
    );
  }
  const location = resolve(options.cwd ?? '.', file);
  const entries: CertStoreEntry[] = [];
  for (const cert of contents.certificates) {
    const source = { kind: 'file' as const, location, obtainedAt: new Date().toISOString() };
    entries.push(await store.add(cert, role, source));
  }
  return entries;
}

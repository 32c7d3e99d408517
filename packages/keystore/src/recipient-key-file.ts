/**
 * Recipient key files (`send --key FILE`, `keys import`, `certs import`): the public parts
 * only — OpenPGP certificates (a secret key counts as its public part) and X.509 certificates
 * (a PEM file may carry the issuing chain after the leaf). Private keys in the file are left
 * alone and no passphrase is asked, except for a PKCS#12 file, whose certificates need it.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type * as Smime from '@sealpost/smime';
import { type PassphraseCallback, readKeyMaterialFile } from './key-material.js';

export interface RecipientKeyFile {
  readonly file: string;
  /** OpenPGP certificates (public parts). */
  readonly pgpKeys: readonly Pgp.PublicKey[];
  /** X.509 certificates in file order. */
  readonly certificates: readonly Smime.SmimeCertificate[];
}

export interface ReadRecipientKeyFileOptions {
  readonly cwd?: string;
  /** Asked only for a protected PKCS#12 file. */
  readonly passphrase?: PassphraseCallback;
}

/** Reads one recipient key file; EIO unreadable, EKEY_FILE when it holds no public key. */
export async function readRecipientKeyFile(
  file: string,
  options: ReadRecipientKeyFileOptions = {},
): Promise<RecipientKeyFile> {
  const material = await readKeyMaterialFile(file, options);
  if (material.pgpKeys.length === 0 && material.certificates.length === 0) {
    throw new SealpostError(
      'EKEY_FILE',
      `The file ${quoteUntrusted(file)} holds a private key but neither an OpenPGP key nor an X.509 certificate.`,
      { details: { file } },
    );
  }
  return {
    file,
    pgpKeys: material.pgpKeys.map((k) => k.toPublic()),
    certificates: material.certificates,
  };
}

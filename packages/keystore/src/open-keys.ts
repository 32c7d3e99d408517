/**
 * The keys for reading a message (`decrypt`, `verify`): OpenPGP secret keys and S/MIME
 * identities (private key with its certificates, RFC 8551 §3.3) to decrypt, OpenPGP public
 * keys to verify, S/MIME trust anchors (decision 0051) — from files and, read-only, from the
 * user's keyring and certificate store. Each file is read by the one key reader, so a
 * passphrase-protected PEM key opens here exactly as it does for `send --sign-key`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type * as Smime from '@sealpost/smime';
import { isCaCertificate, leafFirst } from './ca-certificate.js';
import { CertStore } from './cert-store.js';
import {
  type PassphraseCallback,
  type ReadKeyMaterialOptions,
  readKeyMaterialFile,
} from './key-material.js';
import { certificatesForKey } from './key-pair.js';
import { Keyring } from './keyring.js';
import { readTrustAnchors } from './trust-anchors.js';

export interface SmimeIdentity {
  readonly privateKey: Smime.SmimePrivateKey;
  /** The key's certificates, end-entity first, then the CA certificates given with it. */
  readonly certificates: readonly Smime.SmimeCertificate[];
}

export interface OpenKeys {
  /** Decrypt OpenPGP. */
  readonly pgpPrivateKeys: readonly Pgp.PrivateKey[];
  /** Verify OpenPGP. */
  readonly pgpPublicKeys: readonly Pgp.PublicKey[];
  /** Decrypt S/MIME: each private key with its certificates, leaf first. */
  readonly smimeIdentities: readonly SmimeIdentity[];
  /** Verify S/MIME signers (and the signature inside an encrypted message). */
  readonly smimeTrustAnchors: readonly Smime.SmimeCertificate[];
}

export interface LoadOpenKeysInput {
  /** Your secret keys: OpenPGP secret keys, PEM key + certificate (one file or two), PKCS#12. */
  readonly decryptionKeyFiles?: readonly string[];
  /** OpenPGP public keys of signers. */
  readonly verificationKeyFiles?: readonly string[];
  /** S/MIME trust anchors (PEM/DER). */
  readonly anchorFiles?: readonly string[];
  /** Asked only when a decryption key is protected. */
  readonly passphrase?: PassphraseCallback;
  /** The data directory whose keyring keys and anchors are trusted too (never created here). */
  readonly dataDir?: string;
  /** Told about a keyring entry that cannot be read (it is skipped, not fatal). */
  readonly onSkippedKey?: (fingerprint: string, error: Error) => void;
  /** Told what a key file is weak in (a legacy PKCS#12), as the key reader says it. */
  readonly onWarning?: (file: string, warning: string) => void;
  readonly cwd?: string;
}

/** The private keys of `--key` files for decryption; an OpenPGP public key is refused. */
export async function loadDecryptionKeys(
  files: readonly string[],
  options: Pick<ReadKeyMaterialOptions, 'passphrase' | 'cwd' | 'onWarning'> = {},
): Promise<Pick<OpenKeys, 'pgpPrivateKeys' | 'smimeIdentities'>> {
  const pgpPrivateKeys: Pgp.PrivateKey[] = [];
  const privateKeys: Smime.SmimePrivateKey[] = [];
  const certificates: Smime.SmimeCertificate[] = [];
  for (const file of files) {
    const material = await readKeyMaterialFile(file, { ...options, secrets: true });
    const secret = material.pgpKeys.filter((k): k is Pgp.PrivateKey => k.isPrivate());
    if (material.pgpKeys.length > 0 && secret.length === 0) {
      throw new SealpostError(
        'EKEY_FILE',
        `${quoteUntrusted(file)} is an OpenPGP public key; decrypting needs the secret key: give the file "sealpost keys generate --out" wrote, or export it from GnuPG with "gpg --export-secret-keys --armor ADDRESS > secret.asc".`,
        { details: { file } },
      );
    }
    pgpPrivateKeys.push(...secret);
    privateKeys.push(...material.privateKeys);
    certificates.push(...material.certificates);
  }
  const smimeIdentities = privateKeys.map((privateKey) => {
    const own = certificatesForKey(privateKey, certificates);
    if (own.length === 0) {
      throw new SealpostError(
        'EKEY_FILE',
        'An S/MIME private key needs its certificate: give the certificate file with another --key, or a PKCS#12 file.',
      );
    }
    const chain = certificates.filter((c) => isCaCertificate(c) && !own.includes(c));
    return { privateKey, certificates: [...leafFirst(own), ...chain] };
  });
  return { pgpPrivateKeys, smimeIdentities };
}

/** OpenPGP public keys for verifying; a secret key counts as its public part. */
export async function loadVerificationKeys(
  files: readonly string[],
  options: { readonly cwd?: string } = {},
): Promise<Pgp.PublicKey[]> {
  const keys: Pgp.PublicKey[] = [];
  for (const file of files) {
    const material = await readKeyMaterialFile(file, options);
    if (material.pgpKeys.length === 0) {
      throw new SealpostError(
        'EKEY_FILE',
        `${quoteUntrusted(file)} is not an OpenPGP key: S/MIME signers are checked against the CA given with --anchor.`,
        { details: { file } },
      );
    }
    keys.push(...material.pgpKeys.map((k) => k.toPublic()));
  }
  return keys;
}

/**
 * What the user's own stores vouch for: the OpenPGP public keys in `pgp/` and the anchors
 * imported into `certs/`. Read-only: nothing is created when the directory does not exist.
 */
export async function storedTrust(
  dataDir: string,
  onSkippedKey?: (fingerprint: string, error: Error) => void,
): Promise<Pick<OpenKeys, 'pgpPublicKeys' | 'smimeTrustAnchors'>> {
  const pgpPublicKeys: Pgp.PublicKey[] = [];
  const smimeTrustAnchors: Smime.SmimeCertificate[] = [];
  if (existsSync(join(dataDir, 'pgp'))) {
    const ring = await Keyring.open(join(dataDir, 'pgp'));
    for (const entry of ring.list()) {
      try {
        const key = await ring.get(entry.fingerprint);
        if (key) pgpPublicKeys.push(key);
      } catch (err) {
        onSkippedKey?.(entry.fingerprint, err as Error);
      }
    }
  }
  if (existsSync(join(dataDir, 'certs'))) {
    smimeTrustAnchors.push(
      ...(await (await CertStore.open(join(dataDir, 'certs'))).trustAnchors()),
    );
  }
  return { pgpPublicKeys, smimeTrustAnchors };
}

/** Everything `decrypt` / `verify` need, in the shape the pipeline's openMessage takes. */
export async function loadOpenKeys(input: LoadOpenKeysInput): Promise<OpenKeys> {
  const cwd = input.cwd ? { cwd: input.cwd } : {};
  const [decryption, verification, anchors, stored] = await Promise.all([
    loadDecryptionKeys(input.decryptionKeyFiles ?? [], {
      ...cwd,
      ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      ...(input.onWarning ? { onWarning: input.onWarning } : {}),
    }),
    loadVerificationKeys(input.verificationKeyFiles ?? [], cwd),
    readTrustAnchors(input.anchorFiles ?? [], cwd),
    input.dataDir
      ? storedTrust(input.dataDir, input.onSkippedKey)
      : { pgpPublicKeys: [], smimeTrustAnchors: [] },
  ]);
  return {
    pgpPrivateKeys: decryption.pgpPrivateKeys,
    pgpPublicKeys: [...verification, ...stored.pgpPublicKeys],
    smimeIdentities: decryption.smimeIdentities,
    smimeTrustAnchors: [...anchors, ...stored.smimeTrustAnchors],
  };
}

/**
 * The sender's signing key (`--sign-key FILE`): an OpenPGP secret key (RFC 9580 §5.5.3), a
 * PKCS#12 file (RFC 7292) or a PEM file with the certificate(s) and the private key, read by
 * the one key reader (readKeyMaterial). The key is checked for signing before it is returned.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type * as Smime from '@sealpost/smime';
import { isCaCertificate } from './ca-certificate.js';
import { type PassphraseCallback, readKeyMaterialFile } from './key-material.js';
import { certificatesForKey } from './key-pair.js';
import type { PgpSignerMaterial, SignerKey, SmimeSignerMaterial } from './keys.js';

export interface LoadSigningKeyOptions {
  /**
   * Unlocks a protected OpenPGP key, PKCS#12 file or encrypted PEM key: the passphrase, or a
   * callback asked only when the key is protected. Never logged.
   */
  readonly passphrase?: string | PassphraseCallback;
  /** When given, the key's user ID / the certificate must name this sender address. */
  readonly address?: string;
  /**
   * When given, the S/MIME certificate must chain to one of these; without them the chain is
   * left to the recipient (it travels in the signature) and only dates, usage and strength
   * are checked.
   */
  readonly trustAnchors?: readonly Smime.SmimeCertificate[];
  readonly now?: Date;
  /** Relative file names are resolved against this directory. */
  readonly cwd?: string;
  /** Told what the key file is weak in (a legacy PKCS#12), as the key reader says it. */
  readonly onWarning?: (file: string, warning: string) => void;
}

/** A fixed passphrase or a callback, as the one shape the key reader asks. */
export function passphraseCallback(
  passphrase: string | PassphraseCallback | undefined,
): PassphraseCallback | undefined {
  if (passphrase === undefined || typeof passphrase === 'function') return passphrase;
  return async () => passphrase;
}

function fileError(file: string, what: string): SealpostError {
  return new SealpostError('EKEY_FILE', `The signing key file ${quoteUntrusted(file)} ${what}.`, {
    details: { file },
  });
}

async function pgpSigner(
  privateKey: Pgp.PrivateKey,
  options: LoadSigningKeyOptions,
): Promise<SignerKey> {
  const pgp = await import('@sealpost/pgp');
  await pgp.checkKey(privateKey, {
    purpose: 'sign',
    ...(options.address ? { address: options.address } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const material: PgpSignerMaterial = { privateKey };
  return {
    scheme: 'pgp',
    fingerprint: privateKey.getFingerprint().toLowerCase(),
    source: 'file',
    material,
  };
}

async function smimeSigner(
  material: SmimeSignerMaterial,
  options: LoadSigningKeyOptions,
): Promise<SignerKey> {
  const smime = await import('@sealpost/smime');
  await smime.checkCertificate(material.certificate, {
    purpose: 'sign',
    ...(options.address ? { address: options.address } : {}),
    trustAnchors: options.trustAnchors ?? [],
    intermediates: material.chain ?? [],
    checkChain: options.trustAnchors !== undefined,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    scheme: 'smime',
    fingerprint: await smime.certificateFingerprint(material.certificate),
    source: 'file',
    material,
  };
}

/**
 * Reads a signing key file and returns a checked SignerKey whose material is
 * PgpSignerMaterial (`{ privateKey }`) or SmimeSignerMaterial (`{ certificate, privateKey, chain }`).
 */
export async function loadSigningKey(
  file: string,
  options: LoadSigningKeyOptions = {},
): Promise<SignerKey> {
  const passphrase = passphraseCallback(options.passphrase);
  const material = await readKeyMaterialFile(file, {
    secrets: true,
    ...(passphrase ? { passphrase } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  if (material.pgpKeys.length > 0) {
    const secret = material.pgpKeys.filter((k): k is Pgp.PrivateKey => k.isPrivate());
    if (secret.length === 0) {
      throw fileError(file, 'holds a public OpenPGP key; signing needs the secret key');
    }
    if (secret.length > 1) {
      throw fileError(file, 'holds several OpenPGP secret keys; give the one to sign with');
    }
    return pgpSigner(secret[0]!, options);
  }
  const [privateKey, ...others] = material.privateKeys;
  if (!privateKey) {
    throw fileError(
      file,
      material.certificates.length > 0
        ? 'holds certificates but no private key'
        : 'holds no private key',
    );
  }
  if (others.length > 0) {
    throw fileError(file, 'holds several private keys; give the one to sign with');
  }
  const [certificate] = certificatesForKey(privateKey, material.certificates).sort(
    (a, b) => Number(isCaCertificate(a)) - Number(isCaCertificate(b)),
  );
  if (!certificate) throw fileError(file, 'holds no certificate for its private key');
  return smimeSigner(
    {
      certificate,
      privateKey,
      chain: material.certificates.filter((c) => c !== certificate),
    },
    options,
  );
}

/**
 * Loads the sender's signing key from a file (`--sign-key FILE`): an OpenPGP secret key
 * (RFC 9580 §5.5.3, unlocked with the passphrase when protected), a PKCS#12 file (RFC 7292)
 * or a PEM file with the certificate(s) and the private key (RFC 7468; PKCS#8, encrypted
 * PKCS#8, PKCS#1 or SEC1). The key is checked for signing before it is returned.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isSealpostError, quoteUntrusted, SealpostError } from '@sealpost/errors';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import type { PgpSignerMaterial, SmimeSignerMaterial } from './build-messages.js';
import type { SignerKey } from './keys.js';

export interface LoadSigningKeyOptions {
  /** Unlocks a protected OpenPGP key, PKCS#12 file or encrypted PEM key. Never logged. */
  readonly passphrase?: string;
  /** When given, the key's user ID / the certificate must name this sender address. */
  readonly address?: string;
  /**
   * When given, the S/MIME certificate must chain to one of these; without them the chain is
   * left to the recipient (it travels in the signature) and only dates, usage and strength
   * are checked.
   */
  readonly trustAnchors?: readonly smime.SmimeCertificate[];
  readonly now?: Date;
}

const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/;
const PEM_KEY =
  /-----BEGIN (ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]*?-----END \1?PRIVATE KEY-----/;

function fileError(file: string, what: string): SealpostError {
  return new SealpostError('EKEY_FILE', `The signing key file ${quoteUntrusted(file)} ${what}.`, {
    details: { file },
  });
}

async function loadPgp(
  input: string | Uint8Array,
  file: string,
  options: LoadSigningKeyOptions,
): Promise<SignerKey> {
  if (typeof input === 'string' && !input.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) {
    throw fileError(file, 'holds a public OpenPGP key; signing needs the secret key');
  }
  const privateKey = await pgp.readPrivateKey(
    input,
    options.passphrase === undefined ? {} : { passphrase: options.passphrase },
  );
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

/** The PEM private key as unencrypted PKCS#8 DER (node:crypto decrypts PKCS#8 and legacy PEM). */
function pemPrivateKey(text: string, file: string, passphrase?: string): smime.SmimePrivateKey {
  const block = PEM_KEY.exec(text)?.[0];
  if (!block) throw fileError(file, 'holds certificates but no private key');
  if (!ENCRYPTED_PEM.test(text)) return smime.readPrivateKey(block);
  if (passphrase === undefined) {
    throw new SealpostError('EKEY_PASSPHRASE', 'The private key is protected by a passphrase.', {
      details: { file },
    });
  }
  let der: Buffer;
  try {
    der = createPrivateKey({ key: block, format: 'pem', passphrase }).export({
      type: 'pkcs8',
      format: 'der',
    });
  } catch (cause) {
    throw new SealpostError('EKEY_PASSPHRASE', 'The passphrase does not unlock the private key.', {
      cause,
      details: { file },
    });
  }
  return smime.readPrivateKey(new Uint8Array(der));
}

function spkiOfPrivateKey(key: smime.SmimePrivateKey): Uint8Array {
  const privateKey = createPrivateKey({
    key: Buffer.from(key.pkcs8),
    format: 'der',
    type: 'pkcs8',
  });
  return new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
}

function spkiOfCertificate(cert: smime.SmimeCertificate): Uint8Array {
  return new Uint8Array(cert.pkijs.subjectPublicKeyInfo.toSchema().toBER());
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function loadPem(text: string, file: string, passphrase?: string): SmimeSignerMaterial {
  const certificates = smime.readCertificates(text);
  const privateKey = pemPrivateKey(text, file, passphrase);
  const spki = spkiOfPrivateKey(privateKey);
  const index = certificates.findIndex((c) => sameBytes(spkiOfCertificate(c), spki));
  if (index < 0) throw fileError(file, 'holds no certificate for its private key');
  return {
    certificate: certificates[index]!,
    privateKey,
    chain: certificates.filter((_, i) => i !== index),
  };
}

async function loadSmime(
  material: SmimeSignerMaterial,
  options: LoadSigningKeyOptions,
): Promise<SignerKey> {
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
 * `{ privateKey }` (OpenPGP) or `{ certificate, privateKey, chain }` (S/MIME).
 */
export async function loadSigningKey(
  file: string,
  options: LoadSigningKeyOptions = {},
): Promise<SignerKey> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new SealpostError('EIO', `The signing key file ${quoteUntrusted(file)} cannot be read.`, {
      cause,
      details: { file },
    });
  }
  const text = new TextDecoder('latin1').decode(bytes);
  if (text.includes('-----BEGIN PGP ')) return loadPgp(text, file, options);
  if (text.includes('-----BEGIN ')) {
    return loadSmime(loadPem(text, file, options.passphrase), options);
  }
  const first = bytes[0] ?? 0;
  if (first === 0x30) {
    // DER SEQUENCE: a PFX (PKCS#12). Without a passphrase try the empty one, as openssl does.
    let contents: smime.Pkcs12Contents;
    try {
      contents = await smime.readPkcs12(bytes, options.passphrase ?? '');
    } catch (err) {
      if (isSealpostError(err) && err.code === 'EPKCS12_PASSWORD' && !options.passphrase) {
        throw new SealpostError(
          'EKEY_PASSPHRASE',
          'The PKCS#12 file is protected by a passphrase.',
          { cause: err, details: { file } },
        );
      }
      throw err;
    }
    return loadSmime(contents, options);
  }
  if ((first & 0x80) !== 0) return loadPgp(bytes, file, options);
  throw fileError(file, 'is neither an OpenPGP secret key, a PKCS#12 file nor a PEM key bundle');
}

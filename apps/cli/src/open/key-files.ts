/**
 * Key material for the recipient side, from files: OpenPGP keys (armored RFC 9580 §6 or
 * binary), S/MIME private keys with their certificate (PEM: key and certificate blocks, in
 * one file or two; or PKCS#12, RFC 7292), and trust anchors. The kind is told by content, not
 * by file name. Passphrases come from readSecret() and never appear in errors.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type * as Smime from '@sealpost/smime';

export interface KeyFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export type KeyFileKind = 'pgp-private' | 'pgp-public' | 'pem' | 'pkcs12-or-der' | 'pgp-binary';

export async function readKeyFile(cwd: string, name: string): Promise<KeyFile> {
  try {
    const bytes = await readFile(resolve(cwd, name));
    return { name, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  } catch (cause) {
    throw new SealpostError('EIO', `Cannot read the key file ${quoteUntrusted(name)}.`, { cause });
  }
}

/** Tells the kind of a key file from its first bytes. */
export function keyFileKind(bytes: Uint8Array): KeyFileKind {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  if (head.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) return 'pgp-private';
  if (head.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return 'pgp-public';
  if (head.includes('-----BEGIN ')) return 'pem';
  // DER starts with SEQUENCE (0x30); an OpenPGP packet header has its top bit set (RFC 9580 §4.2).
  if (bytes[0] === 0x30) return 'pkcs12-or-der';
  if (bytes[0] !== undefined && (bytes[0] & 0x80) !== 0) return 'pgp-binary';
  throw new SealpostError(
    'EKEY_PARSE',
    'The key file is neither an OpenPGP key, a PEM key or certificate, nor a PKCS#12 file.',
  );
}

export interface SmimeIdentity {
  readonly privateKey: Smime.SmimePrivateKey;
  /** Candidate certificates for the key (end-entity first); the RecipientInfo picks one. */
  readonly certificates: readonly Smime.SmimeCertificate[];
}

const BASIC_CONSTRAINTS = '2.5.29.19';

function isCa(cert: Smime.SmimeCertificate): boolean {
  const ext = cert.pkijs.extensions?.find((e) => e.extnID === BASIC_CONSTRAINTS);
  return Boolean((ext?.parsedValue as { cA?: boolean } | undefined)?.cA);
}

/** End-entity certificates first: a PEM bundle or PKCS#12 often carries the CA too. */
export function leafFirst(certs: readonly Smime.SmimeCertificate[]): Smime.SmimeCertificate[] {
  return [...certs.filter((c) => !isCa(c)), ...certs.filter(isCa)];
}

export interface DecryptionKeys {
  readonly pgp: readonly Pgp.PrivateKey[];
  readonly smime: SmimeIdentity | undefined;
}

/**
 * Reads the --key files for decryption. `passphrase` is asked for only when a key needs it
 * (a locked OpenPGP key or a PKCS#12 file), so an unprotected key never triggers a prompt.
 */
export async function loadDecryptionKeys(
  files: readonly KeyFile[],
  passphrase: () => Promise<string | undefined>,
  libs: { pgp(): Promise<typeof Pgp>; smime(): Promise<typeof Smime> },
): Promise<DecryptionKeys> {
  const pgpKeys: Pgp.PrivateKey[] = [];
  let smimeKey: Smime.SmimePrivateKey | undefined;
  const certificates: Smime.SmimeCertificate[] = [];
  for (const file of files) {
    const kind = keyFileKind(file.bytes);
    if (kind === 'pgp-private' || kind === 'pgp-binary') {
      const pgp = await libs.pgp();
      const key = await pgp.readPrivateKey(file.bytes).catch(async (err: unknown) => {
        if ((err as SealpostError).code !== 'EKEY_PASSPHRASE') throw err;
        const secret = await passphrase();
        if (secret === undefined) throw err;
        return pgp.readPrivateKey(file.bytes, { passphrase: secret });
      });
      pgpKeys.push(key);
    } else if (kind === 'pgp-public') {
      throw new SealpostError(
        'EKEY_PARSE',
        `${quoteUntrusted(file.name)} is an OpenPGP public key; decrypting needs the secret key.`,
      );
    } else if (kind === 'pem') {
      const smime = await libs.smime();
      const text = new TextDecoder('latin1').decode(file.bytes);
      if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
        throw new SealpostError(
          'ECERT_PARSE',
          `${quoteUntrusted(file.name)} holds a passphrase-protected PEM key, which sealpost does not read: export key and certificate as PKCS#12 (openssl pkcs12 -export) and give that file.`,
        );
      }
      if (/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(text)) {
        smimeKey = smime.readPrivateKey(text);
      }
      if (text.includes('-----BEGIN CERTIFICATE-----')) {
        certificates.push(...smime.readCertificates(text));
      }
    } else {
      const smime = await libs.smime();
      const p12 = await smime.readPkcs12(file.bytes, (await passphrase()) ?? '');
      smimeKey = p12.privateKey;
      certificates.unshift(p12.certificate, ...p12.chain);
    }
  }
  if (smimeKey && certificates.length === 0) {
    throw new SealpostError(
      'ECERT_PARSE',
      'An S/MIME private key needs its certificate: give the certificate file with another --key, or a PKCS#12 file.',
    );
  }
  return {
    pgp: pgpKeys,
    smime: smimeKey ? { privateKey: smimeKey, certificates: leafFirst(certificates) } : undefined,
  };
}

/** OpenPGP public keys (certificates) for verifying; a secret key counts as its public part. */
export async function loadVerificationKeys(
  files: readonly KeyFile[],
  loadPgp: () => Promise<typeof Pgp>,
): Promise<Pgp.PublicKey[]> {
  const keys: Pgp.PublicKey[] = [];
  if (files.length === 0) return keys;
  const pgp = await loadPgp();
  for (const file of files) {
    const kind = keyFileKind(file.bytes);
    if (kind === 'pem' || kind === 'pkcs12-or-der') {
      throw new SealpostError(
        'EKEY_PARSE',
        `${quoteUntrusted(file.name)} is not an OpenPGP key: S/MIME signers are checked against the CA given with --anchor.`,
      );
    }
    for (const key of await pgp.readKeys(file.bytes)) keys.push(key.toPublic());
  }
  return keys;
}

/** Trust anchors for S/MIME signatures (PEM with any number of certificates, or one DER). */
export async function loadTrustAnchors(
  files: readonly KeyFile[],
  loadSmime: () => Promise<typeof Smime>,
): Promise<Smime.SmimeCertificate[]> {
  if (files.length === 0) return [];
  const smime = await loadSmime();
  return files.flatMap((file) => smime.readCertificates(file.bytes));
}

/**
 * The one reader of key files, for every command. The format is told from the bytes, never
 * from the file name: OpenPGP keys armored (RFC 9580 §6, any number of blocks) or binary
 * (RFC 9580 §10); PEM (RFC 7468) certificates and private keys — PKCS#8 (RFC 5208), encrypted
 * PKCS#8, PKCS#1 RSA, SEC1 EC and legacy `Proc-Type: 4,ENCRYPTED` keys; DER certificates,
 * PKCS#8 keys and PKCS#12 files (RFC 7292). openpgp.js and pkijs are loaded only for the format
 * actually found. The passphrase is asked for only when a key that is needed is protected.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isSealpostError, quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type * as Smime from '@sealpost/smime';
import { derShape } from './der-shape.js';

export interface PassphraseRequest {
  /** The key file as it was named. */
  readonly file: string;
  readonly kind: 'openpgp' | 'private-key' | 'pkcs12';
}

/**
 * Gives the passphrase for a protected key, or undefined (or "") when there is none. Called
 * only when a key needs it; the answer is never logged nor put into an error.
 */
export type PassphraseCallback = (request: PassphraseRequest) => Promise<string | undefined>;

export type KeyMaterialFormat = 'openpgp' | 'pem' | 'der' | 'pkcs12';

export interface KeyMaterial {
  /** The file as it was named (for messages). */
  readonly file: string;
  readonly format: KeyMaterialFormat;
  /** OpenPGP keys in file order; secret keys are unlocked when secrets were asked for. */
  readonly pgpKeys: readonly Pgp.Key[];
  /** X.509 certificates in file order (a PKCS#12 file: its certificate, then its chain). */
  readonly certificates: readonly Smime.SmimeCertificate[];
  /** S/MIME private keys as unencrypted PKCS#8; read only when secrets were asked for. */
  readonly privateKeys: readonly Smime.SmimePrivateKey[];
}

export interface ReadKeyMaterialOptions {
  /**
   * Read the private parts: unlock OpenPGP secret keys and decrypt PEM/PKCS#8 keys, asking
   * `passphrase` when one is protected. Without it private keys are left alone (an OpenPGP
   * secret key is returned locked; its public part is usable) and nothing is asked — except
   * for a PKCS#12 file, whose certificates are behind its passphrase too.
   */
  readonly secrets?: boolean;
  readonly passphrase?: PassphraseCallback;
  /** Relative file names are resolved against this directory (default: the process's). */
  readonly cwd?: string;
  /** Told what a file is weak in, e.g. a PKCS#12 protected with legacy 3DES/RC2 (decision 0096). */
  readonly onWarning?: (file: string, warning: string) => void;
}

const PGP_ARMOR = '-----BEGIN PGP ';
const PGP_KEY_BLOCK =
  /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const PEM_CERTIFICATE = /^(X509 )?CERTIFICATE$/;
const PEM_PRIVATE_KEY = /^(ENCRYPTED |RSA |EC )?PRIVATE KEY$/;

/** Reads a key file's bytes; EIO when it cannot be read. */
export async function readKeyBytes(file: string, cwd?: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(resolve(cwd ?? '.', file));
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  } catch (cause) {
    throw new SealpostError('EIO', `The key file ${quoteUntrusted(file)} cannot be read.`, {
      cause,
      details: { file },
    });
  }
}

/** Reads and parses one key file (see readKeyMaterial). */
export async function readKeyMaterialFile(
  file: string,
  options: ReadKeyMaterialOptions = {},
): Promise<KeyMaterial> {
  return readKeyMaterial(await readKeyBytes(file, options.cwd), file, options);
}

/** Asks the callback at most once per file, and only when a key needs it. */
function asker(file: string, options: ReadKeyMaterialOptions) {
  const answers = new Map<PassphraseRequest['kind'], Promise<string | undefined>>();
  return async (kind: PassphraseRequest['kind']): Promise<string | undefined> => {
    if (!options.passphrase) return undefined;
    if (!answers.has(kind)) answers.set(kind, options.passphrase({ file, kind }));
    return (await answers.get(kind)) || undefined;
  };
}

type Ask = ReturnType<typeof asker>;

function protectedError(file: string, what: string): SealpostError {
  return new SealpostError(
    'EKEY_PASSPHRASE',
    `The ${what} in ${quoteUntrusted(file)} is protected by a passphrase.`,
    { details: { file } },
  );
}

async function readPgp(
  input: readonly (string | Uint8Array)[],
  file: string,
  options: ReadKeyMaterialOptions,
  ask: Ask,
): Promise<Pgp.Key[]> {
  const pgp = await import('@sealpost/pgp');
  const keys: Pgp.Key[] = [];
  for (const block of input) keys.push(...(await pgp.readKeys(block)));
  if (!options.secrets) return keys;
  const out: Pgp.Key[] = [];
  for (const key of keys) {
    if (!key.isPrivate() || key.isDecrypted()) {
      out.push(key);
      continue;
    }
    const passphrase = await ask('openpgp');
    if (passphrase === undefined) throw protectedError(file, 'OpenPGP secret key');
    out.push(await pgp.unlockPrivateKey(key, passphrase));
  }
  return out;
}

/** An encrypted PKCS#8 or legacy encrypted PEM key, decrypted by OpenSSL to PKCS#8 DER. */
function decryptPrivateKey(key: string | Uint8Array, file: string, passphrase: string): Uint8Array {
  try {
    const object =
      typeof key === 'string'
        ? createPrivateKey({ key, format: 'pem', passphrase })
        : createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8', passphrase });
    return new Uint8Array(object.export({ type: 'pkcs8', format: 'der' }));
  } catch (cause) {
    const wrong = /BAD_DECRYPT|bad decrypt/i.test(
      `${(cause as NodeJS.ErrnoException).code} ${(cause as Error).message}`,
    );
    throw new SealpostError(
      wrong ? 'EKEY_PASSPHRASE' : 'ECERT_PARSE',
      wrong
        ? `The passphrase does not unlock the private key in ${quoteUntrusted(file)}.`
        : `The encrypted private key in ${quoteUntrusted(file)} cannot be read.`,
      { cause, details: { file } },
    );
  }
}

async function readPemPrivateKey(
  block: string,
  file: string,
  ask: Ask,
): Promise<Smime.SmimePrivateKey> {
  const smime = await import('@sealpost/smime');
  if (!/^-----BEGIN ENCRYPTED |Proc-Type: 4,ENCRYPTED/m.test(block)) {
    return smime.readPrivateKey(block);
  }
  const passphrase = await ask('private-key');
  if (passphrase === undefined) throw protectedError(file, 'private key');
  return smime.readPrivateKey(decryptPrivateKey(block, file, passphrase));
}

async function readPem(
  text: string,
  file: string,
  options: ReadKeyMaterialOptions,
  ask: Ask,
): Promise<Omit<KeyMaterial, 'file' | 'format' | 'pgpKeys'>> {
  const certificateBlocks: string[] = [];
  const keyBlocks: string[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    if (PEM_CERTIFICATE.test(match[1]!)) certificateBlocks.push(match[0]);
    if (PEM_PRIVATE_KEY.test(match[1]!)) keyBlocks.push(match[0]);
  }
  if (certificateBlocks.length === 0 && keyBlocks.length === 0) return noMaterial(file);
  const smime = await import('@sealpost/smime');
  const certificates =
    certificateBlocks.length > 0 ? smime.readCertificates(certificateBlocks.join('\n')) : [];
  const privateKeys: Smime.SmimePrivateKey[] = [];
  if (options.secrets) {
    for (const block of keyBlocks) privateKeys.push(await readPemPrivateKey(block, file, ask));
  }
  return { certificates, privateKeys };
}

async function readPkcs12(bytes: Uint8Array, file: string, ask: Ask) {
  const smime = await import('@sealpost/smime');
  // Legacy 3DES/RC2 PBE files (gpgsm, openssl -legacy) need Node's ciphers (decision 0095).
  const legacy = { contentDecrypt: (await import('@sealpost/smime/node')).contentDecrypt };
  const wrongPassword = (err: unknown) => isSealpostError(err) && err.code === 'EPKCS12_PASSWORD';
  // Without a passphrase try the empty one, as openssl does: an unprotected file asks nothing.
  try {
    return await smime.readPkcs12(bytes, '', undefined, legacy);
  } catch (err) {
    if (!wrongPassword(err)) throw err;
  }
  const passphrase = await ask('pkcs12');
  if (passphrase === undefined) throw protectedError(file, 'PKCS#12 file');
  try {
    return await smime.readPkcs12(bytes, passphrase, undefined, legacy);
  } catch (err) {
    if (!wrongPassword(err)) throw err;
    throw new SealpostError(
      'EKEY_PASSPHRASE',
      `The passphrase does not unlock the PKCS#12 file ${quoteUntrusted(file)}.`,
      { cause: err, details: { file } },
    );
  }
}

async function readDer(
  bytes: Uint8Array,
  file: string,
  options: ReadKeyMaterialOptions,
  ask: Ask,
): Promise<Omit<KeyMaterial, 'file' | 'pgpKeys'>> {
  const shape = derShape(bytes);
  const isKey = shape === 'pkcs8' || shape === 'encrypted-pkcs8';
  // A bare private key is not read (nor pkijs loaded) unless the private parts are wanted.
  if (isKey && !options.secrets) return { format: 'der', certificates: [], privateKeys: [] };
  const smime = await import('@sealpost/smime');
  if (shape === 'pkcs12') {
    const contents = await readPkcs12(bytes, file, ask);
    for (const warning of contents.warnings) options.onWarning?.(file, warning);
    return {
      format: 'pkcs12',
      certificates: [contents.certificate, ...contents.chain],
      privateKeys: options.secrets ? [contents.privateKey] : [],
    };
  }
  if (isKey) {
    if (shape === 'pkcs8') {
      return { format: 'der', certificates: [], privateKeys: [smime.readPrivateKey(bytes)] };
    }
    const passphrase = await ask('private-key');
    if (passphrase === undefined) throw protectedError(file, 'private key');
    const der = decryptPrivateKey(bytes, file, passphrase);
    return { format: 'der', certificates: [], privateKeys: [smime.readPrivateKey(der)] };
  }
  return { format: 'der', certificates: smime.readCertificates(bytes), privateKeys: [] };
}

function noMaterial(file: string): never {
  throw new SealpostError(
    'EKEY_FILE',
    `The file ${quoteUntrusted(file)} holds neither an OpenPGP key, an X.509 certificate, a private key nor a PKCS#12 file.`,
    { details: { file } },
  );
}

/**
 * Parses key material already in memory; `file` names it in errors. Throws EKEY_FILE when the
 * bytes are no key material, EKEY_PARSE / ECERT_PARSE when a block is damaged, EKEY_PASSPHRASE
 * when a needed key is protected and the passphrase is missing or wrong.
 */
export async function readKeyMaterial(
  bytes: Uint8Array,
  file: string,
  options: ReadKeyMaterialOptions = {},
): Promise<KeyMaterial> {
  const ask = asker(file, options);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64 * 1024));
  if (head.includes('-----BEGIN ')) {
    const text = new TextDecoder('latin1').decode(bytes);
    const armored = text.includes(PGP_ARMOR);
    // `cat a.asc b.asc` gives several armor blocks; openpgp.js reads only the first of them.
    const blocks = [...text.matchAll(PGP_KEY_BLOCK)].map((m) => m[0]);
    if (armored && blocks.length === 0) {
      throw new SealpostError('EKEY_PARSE', `No OpenPGP key block in ${quoteUntrusted(file)}.`, {
        details: { file },
      });
    }
    const pgpKeys = blocks.length > 0 ? await readPgp(blocks, file, options, ask) : [];
    const rest = text.replace(PGP_KEY_BLOCK, '');
    const pem = /-----BEGIN (?!PGP )/.test(rest)
      ? await readPem(rest, file, options, ask)
      : { certificates: [], privateKeys: [] };
    return { file, format: blocks.length > 0 ? 'openpgp' : 'pem', pgpKeys, ...pem };
  }
  const first = bytes[0];
  if (first === undefined) return noMaterial(file);
  // DER starts with a SEQUENCE tag; every OpenPGP packet header has bit 7 set (RFC 9580 §4.2).
  if (first === 0x30) return { file, pgpKeys: [], ...(await readDer(bytes, file, options, ask)) };
  if ((first & 0x80) !== 0) {
    const pgpKeys = await readPgp([bytes], file, options, ask);
    return { file, format: 'openpgp', pgpKeys, certificates: [], privateKeys: [] };
  }
  return noMaterial(file);
}

/**
 * Reading a recipient key file (`--key FILE`): OpenPGP certificates, armored (RFC 9580 §6) or
 * binary (RFC 9580 §10), possibly several per file, or X.509 certificates (RFC 5280), PEM
 * (RFC 7468) or DER. The format is detected from the bytes, never from the file name.
 */
import { readFile } from 'node:fs/promises';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';

export type KeyFileFormat = 'pgp' | 'x509';

export interface KeyFileContents {
  readonly format: KeyFileFormat;
  /** OpenPGP certificates (public parts only; a secret key is reduced to its public part). */
  readonly pgpKeys: readonly pgp.PublicKey[];
  /** X.509 certificates in file order (a PEM file may carry the issuing chain after the leaf). */
  readonly certificates: readonly smime.SmimeCertificate[];
}

const SEQUENCE = 0x30;
const ARMOR_BLOCK =
  /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

function head(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)));
}

/** Which kind of key material the bytes hold, or undefined when it is neither. */
export function detectKeyFormat(bytes: Uint8Array): KeyFileFormat | undefined {
  const text = head(bytes);
  if (text.includes('-----BEGIN PGP ')) return 'pgp';
  if (/-----BEGIN (X509 )?CERTIFICATE-----/.test(text)) return 'x509';
  const first = bytes[0];
  if (first === undefined) return undefined;
  // DER starts with a SEQUENCE tag; every OpenPGP packet header has bit 7 set (RFC 9580 §4.2).
  if (first === SEQUENCE) return 'x509';
  if ((first & 0x80) !== 0) return 'pgp';
  return undefined;
}

/** Parses key material already in memory; `name` is only used in error messages. */
export async function parseKeyFile(bytes: Uint8Array, name: string): Promise<KeyFileContents> {
  const format = detectKeyFormat(bytes);
  if (format === 'pgp') {
    const keys: pgp.Key[] = [];
    // `cat a.asc b.asc` gives several armor blocks; openpgp.js reads only the first of them.
    const blocks = head(bytes).includes('-----BEGIN PGP ')
      ? [...new TextDecoder().decode(bytes).matchAll(ARMOR_BLOCK)].map((m) => m[0])
      : [bytes];
    for (const block of blocks) keys.push(...(await pgp.readKeys(block)));
    if (keys.length === 0) {
      throw new SealpostError('EKEY_PARSE', `No OpenPGP key block in ${quoteUntrusted(name)}.`);
    }
    return { format, pgpKeys: keys.map((k) => k.toPublic()), certificates: [] };
  }
  if (format === 'x509') {
    return { format, pgpKeys: [], certificates: smime.readCertificates(bytes) };
  }
  throw new SealpostError(
    'EKEY_FILE',
    `The file ${quoteUntrusted(name)} holds neither an OpenPGP key nor an X.509 certificate.`,
    { details: { file: name } },
  );
}

/** Reads and parses one key file; EIO when it cannot be read, EKEY_FILE when it is not a key. */
export async function readKeyFile(path: string): Promise<KeyFileContents> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new SealpostError('EIO', `The key file ${quoteUntrusted(path)} cannot be read.`, {
      cause,
      details: { file: path },
    });
  }
  return parseKeyFile(bytes, path);
}

/** PKCS#12 (RFC 7292) files (.p12/.pfx): the private key and certificates, password-protected. */
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from './bytes.js';
import { fromPkijsCertificate, type SmimeCertificate } from './certificate.js';
import type { ContentDecrypt } from './cms/content-decrypt.js';
import { cryptoEngine } from './engine.js';
import { decryptLegacyPbe, isLegacyPbe, legacyPbeWarning } from './pkcs12-legacy-pbe.js';
import { readPrivateKey, type SmimePrivateKey } from './private-key.js';

export interface Pkcs12Contents {
  readonly privateKey: SmimePrivateKey;
  /** The certificate that matches the private key. */
  readonly certificate: SmimeCertificate;
  /** The other certificates of the file (usually the issuing chain). */
  readonly chain: readonly SmimeCertificate[];
  /** true when the file used a weak legacy PBE (3DES/RC2, decision 0096); see `warnings`. */
  readonly weak: boolean;
  /** Sentences for the user, e.g. that the file should be exported again with AES. */
  readonly warnings: readonly string[];
}

export interface ReadPkcs12Options {
  /**
   * The cipher for legacy 3DES/RC2 PBE files (`contentDecrypt` from @sealpost/smime/node);
   * without it such files fail with ESMIME_CIPHER_UNAVAILABLE.
   */
  readonly contentDecrypt?: ContentDecrypt;
}

interface ShroudedKeyBag {
  readonly encryptionAlgorithm: pkijs.AlgorithmIdentifier;
  readonly encryptedData: asn1js.OctetString;
  // pkijs declares this method protected although it is the documented way in.
  parseInternalValues(p: { password: ArrayBuffer }, c: pkijs.ICryptoEngine): Promise<void>;
  parsedValue?: pkijs.PrivateKeyInfo;
}

/** Each SafeContents of the authenticated safe, decrypting legacy PBE ourselves. */
async function openSafeContents(
  safe: pkijs.AuthenticatedSafe,
  password: string,
  options: ReadPkcs12Options,
  legacy: Set<string>,
  crypto: Crypto,
): Promise<pkijs.SafeContents[]> {
  const engine = cryptoEngine(crypto);
  const passwordBytes = toArrayBuffer(new TextEncoder().encode(password));
  const out: pkijs.SafeContents[] = [];
  for (const content of safe.safeContents) {
    if (content.contentType === CONTENT_ENCRYPTED_DATA) {
      const encrypted = new pkijs.EncryptedData({ schema: content.content });
      const info = encrypted.encryptedContentInfo;
      const algorithm = info.contentEncryptionAlgorithm;
      if (isLegacyPbe(algorithm.algorithmId)) {
        legacy.add(algorithm.algorithmId);
        const ciphertext = new Uint8Array(info.getEncryptedContent());
        const plain = await decryptLegacyPbe(
          algorithm,
          password,
          ciphertext,
          options.contentDecrypt,
          crypto,
        );
        out.push(pkijs.SafeContents.fromBER(toArrayBuffer(plain)));
      } else {
        const plain = await encrypted.decrypt({ password: passwordBytes }, engine);
        out.push(pkijs.SafeContents.fromBER(plain));
      }
    } else if (
      content.contentType === CONTENT_DATA &&
      content.content instanceof asn1js.OctetString
    ) {
      out.push(pkijs.SafeContents.fromBER(content.content.getValue()));
    } else {
      throw new SealpostError(
        'ECERT_PARSE',
        `The PKCS#12 file holds unsupported content ${content.contentType}.`,
      );
    }
  }
  return out;
}

async function shroudedKey(
  bag: ShroudedKeyBag,
  password: string,
  options: ReadPkcs12Options,
  legacy: Set<string>,
  crypto: Crypto,
): Promise<SmimePrivateKey> {
  const algorithm = bag.encryptionAlgorithm;
  if (isLegacyPbe(algorithm.algorithmId)) {
    legacy.add(algorithm.algorithmId);
    const ciphertext = bag.encryptedData.getValue();
    const der = await decryptLegacyPbe(
      algorithm,
      password,
      new Uint8Array(ciphertext),
      options.contentDecrypt,
      crypto,
    );
    return readPrivateKey(der);
  }
  const passwordBytes = toArrayBuffer(new TextEncoder().encode(password));
  await bag.parseInternalValues({ password: passwordBytes }, cryptoEngine(crypto));
  return readPrivateKey(new Uint8Array(bag.parsedValue!.toSchema().toBER()));
}

const BAG_KEY = '1.2.840.113549.1.12.10.1.1';
const BAG_SHROUDED_KEY = '1.2.840.113549.1.12.10.1.2';
const BAG_CERT = '1.2.840.113549.1.12.10.1.3';
const CONTENT_DATA = '1.2.840.113549.1.7.1';
const CONTENT_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';

function isPasswordError(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error).toLowerCase();
  return (
    text.includes('integrity') ||
    text.includes('decrypt') ||
    text.includes('operation') ||
    text.includes('password')
  );
}

async function spkiOf(key: SmimePrivateKey, crypto: Crypto): Promise<Uint8Array> {
  // Export the public half through JWK: Web Crypto cannot export SPKI from a private key.
  const algorithm =
    key.type === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : key.type === 'ec'
        ? { name: 'ECDSA', namedCurve: key.curve! }
        : { name: key.type === 'ed25519' ? 'Ed25519' : 'X25519' };
  const usage: KeyUsage[] = key.type === 'x25519' ? ['deriveBits'] : ['sign'];
  const privateKey = await crypto.subtle.importKey(
    'pkcs8',
    key.pkcs8 as BufferSource,
    algorithm,
    true,
    usage,
  );
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  // An X25519 public key has no usage at all; a signing key's public half verifies.
  const publicUsage: KeyUsage[] = key.type === 'x25519' ? [] : ['verify'];
  const publicKey = await crypto.subtle.importKey(
    'jwk',
    { ...publicJwk, key_ops: publicUsage },
    algorithm,
    true,
    publicUsage,
  );
  return new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
}

function certSpki(cert: SmimeCertificate): Uint8Array {
  return new Uint8Array(cert.pkijs.subjectPublicKeyInfo.toSchema().toBER());
}

/**
 * Opens a PKCS#12 file with its password (checking the MAC first), returning the key, its
 * certificate and the rest of the chain. EPKCS12_PASSWORD on a wrong password.
 */
export async function readPkcs12(
  bytes: Uint8Array,
  password: string,
  crypto: Crypto = globalThis.crypto,
  options: ReadPkcs12Options = {},
): Promise<Pkcs12Contents> {
  const engine = cryptoEngine(crypto);
  const legacy = new Set<string>();
  const passwordBytes = toArrayBuffer(new TextEncoder().encode(password));
  let pfx: pkijs.PFX;
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(bytes));
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    pfx = new pkijs.PFX({ schema: asn1.result });
  } catch (cause) {
    throw new SealpostError('ECERT_PARSE', 'The data is not a PKCS#12 (.p12/.pfx) file.', {
      cause,
    });
  }
  const keys: SmimePrivateKey[] = [];
  const certs: SmimeCertificate[] = [];
  try {
    await pfx.parseInternalValues({ password: passwordBytes, checkIntegrity: true }, engine);
    const safe = pfx.parsedValue?.authenticatedSafe;
    if (!safe) throw new Error('PKCS#12 without an authenticated safe');
    for (const content of await openSafeContents(safe, password, options, legacy, crypto)) {
      for (const bag of content.safeBags) {
        if (bag.bagId === BAG_SHROUDED_KEY) {
          const shrouded = bag.bagValue as unknown as ShroudedKeyBag;
          keys.push(await shroudedKey(shrouded, password, options, legacy, crypto));
        } else if (bag.bagId === BAG_KEY) {
          const info = bag.bagValue as pkijs.PrivateKeyInfo;
          keys.push(readPrivateKey(new Uint8Array(info.toSchema().toBER())));
        } else if (bag.bagId === BAG_CERT) {
          const certBag = bag.bagValue as pkijs.CertBag;
          if (certBag.parsedValue instanceof pkijs.Certificate) {
            certs.push(fromPkijsCertificate(certBag.parsedValue));
          }
        }
      }
    }
  } catch (cause) {
    if (cause instanceof SealpostError) throw cause;
    if (isPasswordError(cause)) {
      throw new SealpostError(
        'EPKCS12_PASSWORD',
        'The PKCS#12 file could not be opened with the given password.',
        { cause },
      );
    }
    throw new SealpostError('ECERT_PARSE', 'The PKCS#12 file could not be read.', { cause });
  }
  const privateKey = keys[0];
  if (!privateKey) {
    throw new SealpostError('ECERT_PARSE', 'The PKCS#12 file holds no private key.');
  }
  const spki = await spkiOf(privateKey, crypto);
  const index = certs.findIndex((c) => {
    const other = certSpki(c);
    return other.length === spki.length && other.every((b, i) => b === spki[i]);
  });
  if (index < 0) {
    throw new SealpostError(
      'ECERT_PARSE',
      'The PKCS#12 file holds no certificate for its private key.',
    );
  }
  return {
    privateKey,
    certificate: certs[index]!,
    chain: certs.filter((_, i) => i !== index),
    weak: legacy.size > 0,
    warnings: [...legacy].map(legacyPbeWarning),
  };
}

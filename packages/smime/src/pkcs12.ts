/** PKCS#12 (RFC 7292) files (.p12/.pfx): the private key and certificates, password-protected. */
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from './bytes.js';
import { fromPkijsCertificate, type SmimeCertificate } from './certificate.js';
import { cryptoEngine } from './engine.js';
import { readPrivateKey, type SmimePrivateKey } from './private-key.js';

export interface Pkcs12Contents {
  readonly privateKey: SmimePrivateKey;
  /** The certificate that matches the private key. */
  readonly certificate: SmimeCertificate;
  /** The other certificates of the file (usually the issuing chain). */
  readonly chain: readonly SmimeCertificate[];
}

const BAG_KEY = '1.2.840.113549.1.12.10.1.1';
const BAG_SHROUDED_KEY = '1.2.840.113549.1.12.10.1.2';
const BAG_CERT = '1.2.840.113549.1.12.10.1.3';

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
      : { name: 'ECDSA', namedCurve: key.curve! };
  const usage: KeyUsage[] = ['sign'];
  const privateKey = await crypto.subtle.importKey(
    'pkcs8',
    key.pkcs8 as BufferSource,
    algorithm,
    true,
    usage,
  );
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  const publicKey = await crypto.subtle.importKey(
    'jwk',
    { ...publicJwk, key_ops: ['verify'] },
    algorithm,
    true,
    ['verify'],
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
): Promise<Pkcs12Contents> {
  const engine = cryptoEngine(crypto);
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
    await safe.parseInternalValues(
      { safeContents: safe.safeContents.map(() => ({ password: passwordBytes })) },
      engine,
    );
    for (const content of safe.parsedValue?.safeContents ?? []) {
      for (const bag of (content.value as pkijs.SafeContents).safeBags) {
        if (bag.bagId === BAG_SHROUDED_KEY) {
          // pkijs declares this method protected although it is the documented way in.
          const shrouded = bag.bagValue as unknown as {
            parseInternalValues(
              p: { password: ArrayBuffer },
              c: pkijs.ICryptoEngine,
            ): Promise<void>;
            parsedValue?: pkijs.PrivateKeyInfo;
          };
          await shrouded.parseInternalValues({ password: passwordBytes }, engine);
          const info = shrouded.parsedValue!;
          keys.push(readPrivateKey(new Uint8Array(info.toSchema().toBER())));
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
    if (String((cause as Error)?.message).includes('1.2.840.113549.1.12.1.')) {
      // PKCS#12 PBE with 3DES/RC2 (RFC 7292 Appendix C): Web Crypto has neither cipher.
      throw new SealpostError(
        'ECERT_PARSE',
        'The PKCS#12 file uses legacy 3DES/RC2 encryption; export it again with AES (OpenSSL 3 default: openssl pkcs12 -export).',
        { cause },
      );
    }
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
  };
}

/**
 * KeyAgreeRecipientInfo with X25519 (RFC 8418 §2): ephemeral-static X25519, HKDF
 * (dhSinglePass-stdDH-hkdf-sha256/384/512-scheme, see hkdf.ts; what we write) or the ANSI
 * X9.63 KDF (dhSinglePass-stdDH-sha*kdf-scheme, read only) over ECC-CMS-SharedInfo, and the
 * content key wrapped with AES key wrap (RFC 3394).
 */
import { SealpostError } from '@sealpost/errors';
import * as pkijs from 'pkijs';
import type { SmimeCertificate } from '../certificate.js';
import { OID } from '../oids.js';
import { importPrivateKey, type SmimePrivateKey } from '../private-key.js';
import { eccCmsSharedInfo, x963Kdf } from './ecc-cms-kdf.js';
import { HKDF_SCHEME_HASH, hkdf } from './hkdf.js';
import { unwrapContentKey, wrappedKeyAgreeRecipient } from './key-agree-recipient.js';

const WRAP_BITS: Readonly<Record<string, number>> = {
  [OID.aes128Wrap]: 128,
  [OID.aes192Wrap]: 192,
  [OID.aes256Wrap]: 256,
};

/** The X9.63 KDF schemes RFC 8418 §2.2 also allows with X25519 (RFC 5753 §7.1.4 OIDs). */
const X963_SCHEME_HASH: Readonly<Record<string, string>> = {
  [OID.ecdhSha256Kdf]: 'SHA-256',
  [OID.ecdhSha384Kdf]: 'SHA-384',
  [OID.ecdhSha512Kdf]: 'SHA-512',
};

/** True if this KeyAgreeRecipientInfo is X25519: an RFC 8418 HKDF scheme or an X25519 originator. */
export function isX25519KeyAgree(kari: pkijs.KeyAgreeRecipientInfo): boolean {
  if (HKDF_SCHEME_HASH[kari.keyEncryptionAlgorithm.algorithmId] !== undefined) return true;
  const originator = kari.originator.value;
  return (
    kari.originator.variant === 3 &&
    originator instanceof pkijs.OriginatorPublicKey &&
    originator.algorithm.algorithmId === OID.x25519
  );
}

/**
 * The key-encryption key (RFC 8418 §2.2): HKDF(salt absent, IKM Z, info ECC-CMS-SharedInfo),
 * or X9.63-KDF(Z, ECC-CMS-SharedInfo) for the sha*kdf schemes.
 */
export async function x25519Kek(
  z: Uint8Array,
  schemeOid: string,
  wrapOid: string,
  ukm: Uint8Array | undefined,
  crypto: Crypto,
): Promise<Uint8Array> {
  const hash = HKDF_SCHEME_HASH[schemeOid];
  const x963Hash = X963_SCHEME_HASH[schemeOid];
  const wrapBits = WRAP_BITS[wrapOid];
  if ((!hash && !x963Hash) || !wrapBits) {
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      `Unsupported X25519 scheme ${schemeOid} / ${wrapOid}.`,
    );
  }
  const info = eccCmsSharedInfo(wrapOid, wrapBits, ukm);
  if (hash) return hkdf(hash, z, new Uint8Array(0), info, wrapBits / 8, crypto);
  return x963Kdf(x963Hash!, z, info, wrapBits / 8, crypto);
}

async function sharedSecret(
  privateKey: CryptoKey,
  publicKey: CryptoKey,
  crypto: Crypto,
): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'X25519', public: publicKey }, privateKey, 256),
  );
}

async function importKek(raw: Uint8Array, crypto: Crypto): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw as BufferSource, 'AES-KW', false, [
    'wrapKey',
    'unwrapKey',
  ]);
}

/** One KeyAgreeRecipientInfo for an X25519 certificate, HKDF-SHA256 and AES-256 key wrap. */
export async function buildX25519KeyAgreeRecipient(
  cert: SmimeCertificate,
  cek: Uint8Array,
  crypto: Crypto,
): Promise<Uint8Array> {
  const spki = cert.pkijs.subjectPublicKeyInfo.toSchema().toBER();
  const recipientKey = await crypto.subtle.importKey('spki', spki, { name: 'X25519' }, false, []);
  const ephemeral = (await crypto.subtle.generateKey({ name: 'X25519' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const scheme = OID.hkdfSha256Scheme;
  const wrapOid = OID.aes256Wrap;
  const z = await sharedSecret(ephemeral.privateKey, recipientKey, crypto);
  const kekKey = await importKek(await x25519Kek(z, scheme, wrapOid, undefined, crypto), crypto);
  z.fill(0);
  return wrappedKeyAgreeRecipient({
    cek,
    kekKey,
    ephemeralPublicKey: ephemeral.publicKey,
    scheme,
    wrapOid,
    cert,
    crypto,
  });
}

/** Unwraps the content key of an RFC 8418 KeyAgreeRecipientInfo with our X25519 key. */
export async function decryptX25519KeyAgree(
  kari: pkijs.KeyAgreeRecipientInfo,
  entry: pkijs.RecipientEncryptedKey,
  privateKey: SmimePrivateKey,
  crypto: Crypto,
): Promise<Uint8Array> {
  if (privateKey.type !== 'x25519') {
    throw new SealpostError('ESMIME_DECRYPT', 'This recipient needs an X25519 private key.');
  }
  if (kari.originator.variant !== 3) {
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      'Only ephemeral-static X25519 (originatorKey) is supported.',
    );
  }
  const originator = kari.originator.value as pkijs.OriginatorPublicKey;
  if (originator.algorithm.algorithmId !== OID.x25519) {
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      `The originator key is ${originator.algorithm.algorithmId}, not X25519.`,
    );
  }
  const point = originator.publicKey.valueBlock.valueHexView;
  const wrap = new pkijs.AlgorithmIdentifier({
    schema: kari.keyEncryptionAlgorithm.algorithmParams,
  });
  const ukm = kari.ukm?.valueBlock.valueHexView;
  let z: Uint8Array | undefined;
  try {
    const publicKey = await crypto.subtle.importKey(
      'raw',
      point as BufferSource,
      { name: 'X25519' },
      false,
      [],
    );
    const ours = await importPrivateKey(privateKey, 'ecdh', '', crypto);
    // A low-order originator point yields Z = 0 (RFC 7748 §6.1); Web Crypto rejects it here.
    z = await sharedSecret(ours, publicKey, crypto);
    const raw = await x25519Kek(
      z,
      kari.keyEncryptionAlgorithm.algorithmId,
      wrap.algorithmId,
      ukm,
      crypto,
    );
    return await unwrapContentKey(
      entry.encryptedKey.valueBlock.valueHexView,
      await importKek(raw, crypto),
      crypto,
    );
  } catch (cause) {
    if (cause instanceof SealpostError) throw cause;
    throw new SealpostError(
      'ESMIME_DECRYPT',
      'The X25519-wrapped content key could not be unwrapped.',
      { cause },
    );
  } finally {
    z?.fill(0);
  }
}

/**
 * KeyTransRecipientInfo (RFC 5652 §6.2.1) with RSA: RSAES-OAEP (RFC 8017 §7.1, parameters per
 * RFC 4055 §4) or RSAES-PKCS1-v1_5 (RFC 8017 §7.2) for clients that need it.
 */
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SmimeCertificate } from '../certificate.js';
import { HASH_BY_OID, OID } from '../oids.js';
import { importPrivateKey, type SmimePrivateKey } from '../private-key.js';
import { derTlv, parseBer, TAG, toDer } from './der.js';
import { issuerAndSerialDer } from './recipient-identifier.js';
import {
  implicitRejectionKey,
  pkcs1v15DecodeImplicit,
  pkcs1v15Encrypt,
  type RsaRawDecrypt,
} from './rsa-pkcs1-v1_5.js';

export type RsaPadding = 'oaep' | 'pkcs1v15';

function oaepSha256Algorithm(): pkijs.AlgorithmIdentifier {
  const sha256 = new pkijs.AlgorithmIdentifier({
    algorithmId: OID.sha256,
    algorithmParams: new asn1js.Null(),
  });
  const params = new pkijs.RSAESOAEPParams({
    hashAlgorithm: sha256,
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: OID.mgf1,
      algorithmParams: sha256.toSchema(),
    }),
  });
  return new pkijs.AlgorithmIdentifier({
    algorithmId: OID.rsaesOaep,
    algorithmParams: params.toSchema(),
  });
}

function rsaPublicKey(cert: SmimeCertificate): pkijs.RSAPublicKey {
  const spki = cert.pkijs.subjectPublicKeyInfo;
  return new pkijs.RSAPublicKey({
    schema: parseBer(spki.subjectPublicKey.valueBlock.valueHexView),
  });
}

// Per Web Crypto instance and certificate: importing an RSA key costs more than using it.
const oaepKeys = new WeakMap<Crypto, WeakMap<SmimeCertificate, Promise<CryptoKey>>>();
let oaepAlgorithmDer: Uint8Array | undefined;
let pkcs1AlgorithmDer: Uint8Array | undefined;

function oaepKey(cert: SmimeCertificate, crypto: Crypto): Promise<CryptoKey> {
  let perCrypto = oaepKeys.get(crypto);
  if (!perCrypto) {
    perCrypto = new WeakMap();
    oaepKeys.set(crypto, perCrypto);
  }
  let key = perCrypto.get(cert);
  if (!key) {
    const spki = cert.pkijs.subjectPublicKeyInfo.toSchema().toBER();
    key = crypto.subtle.importKey('spki', spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, [
      'encrypt',
    ]);
    perCrypto.set(cert, key);
  }
  return key;
}

/** DER of a KeyTransRecipientInfo (version 0, issuerAndSerialNumber) inside RecipientInfo. */
export async function buildKeyTransRecipient(
  cert: SmimeCertificate,
  cek: Uint8Array,
  padding: RsaPadding,
  crypto: Crypto,
): Promise<Uint8Array> {
  let encryptedKey: Uint8Array;
  let algorithm: Uint8Array;
  if (padding === 'oaep') {
    const key = await oaepKey(cert, crypto);
    encryptedKey = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, key, cek as BufferSource),
    );
    oaepAlgorithmDer ??= toDer(oaepSha256Algorithm().toSchema());
    algorithm = oaepAlgorithmDer;
  } else {
    const pub = rsaPublicKey(cert);
    encryptedKey = pkcs1v15Encrypt(
      pub.modulus.valueBlock.valueHexView,
      pub.publicExponent.valueBlock.valueHexView,
      cek,
      crypto,
    );
    pkcs1AlgorithmDer ??= toDer(
      new pkijs.AlgorithmIdentifier({
        algorithmId: OID.rsaEncryption,
        algorithmParams: new asn1js.Null(),
      }).toSchema(),
    );
    algorithm = pkcs1AlgorithmDer;
  }
  return derTlv(
    TAG.sequence,
    Uint8Array.of(TAG.integer, 1, 0),
    issuerAndSerialDer(cert),
    algorithm,
    derTlv(TAG.octetString, encryptedKey),
  );
}

/** The OAEP hash (default SHA-1 per RFC 4055); Web Crypto needs the MGF1 hash to match it. */
function oaepHash(algorithm: pkijs.AlgorithmIdentifier): string {
  if (!algorithm.algorithmParams || algorithm.algorithmParams instanceof asn1js.Null)
    return 'SHA-1';
  const params = new pkijs.RSAESOAEPParams({ schema: algorithm.algorithmParams });
  const hash = HASH_BY_OID[params.hashAlgorithm.algorithmId];
  const mgfParams = params.maskGenAlgorithm.algorithmParams;
  const mgfHash = mgfParams
    ? HASH_BY_OID[new pkijs.AlgorithmIdentifier({ schema: mgfParams }).algorithmId]
    : 'SHA-1';
  if (!hash || hash !== mgfHash || params.maskGenAlgorithm.algorithmId !== OID.mgf1) {
    throw new SealpostError('ESMIME_UNSUPPORTED', 'The RSA-OAEP parameters are not supported.');
  }
  return hash;
}

/**
 * Recovers the content-encryption key of `cekLength` octets. A failed unwrap never throws:
 * it returns a pseudo-random key, so the caller fails at content decryption like for any
 * other wrong key (no padding oracle, RFC 3218 §2.3).
 */
export async function decryptKeyTrans(
  ktri: pkijs.KeyTransRecipientInfo,
  privateKey: SmimePrivateKey,
  cekLength: number,
  options: { rsaRawDecrypt?: RsaRawDecrypt; crypto: Crypto },
): Promise<Uint8Array> {
  const { crypto } = options;
  if (privateKey.type !== 'rsa') {
    throw new SealpostError('ESMIME_DECRYPT', 'This recipient needs an RSA private key.');
  }
  const ciphertext = ktri.encryptedKey.valueBlock.valueHexView;
  const synthetic = await implicitRejectionKey(privateKey.pkcs8, ciphertext, cekLength, crypto);
  const algorithm = ktri.keyEncryptionAlgorithm;
  if (algorithm.algorithmId === OID.rsaesOaep) {
    const hash = oaepHash(algorithm);
    const key = await importPrivateKey(privateKey, 'rsa-oaep-decrypt', hash, crypto);
    try {
      const cek = new Uint8Array(
        await crypto.subtle.decrypt({ name: 'RSA-OAEP' }, key, ciphertext as BufferSource),
      );
      return cek.length === cekLength ? cek : synthetic;
    } catch {
      return synthetic;
    }
  }
  if (algorithm.algorithmId === OID.rsaEncryption) {
    if (!options.rsaRawDecrypt) {
      throw new SealpostError(
        'ESMIME_UNSUPPORTED',
        'The message uses RSA PKCS#1 v1.5 key transport, which Web Crypto cannot decrypt; pass rsaRawDecrypt (from @sealpost/smime/node) to read it.',
      );
    }
    let em: Uint8Array;
    try {
      em = await options.rsaRawDecrypt(privateKey.pkcs8, ciphertext);
    } catch {
      // Only public facts make the raw operation fail (ciphertext length or >= modulus).
      return synthetic;
    }
    return pkcs1v15DecodeImplicit(em, cekLength, synthetic);
  }
  throw new SealpostError(
    'ESMIME_UNSUPPORTED',
    `Unsupported key transport algorithm ${algorithm.algorithmId}.`,
  );
}

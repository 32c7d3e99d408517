/** Private keys as PKCS#8 (RFC 5208); PKCS#1 RSA and SEC1 EC keys are wrapped into PKCS#8. */
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesToLatin1, toArrayBuffer } from './bytes.js';
import { CURVE_BY_OID, OID } from './oids.js';
import { looksLikePem, readPemBlocks } from './pem.js';

/**
 * A private key kept as PKCS#8 bytes: each operation imports it with the usage it needs
 * (Web Crypto binds a CryptoKey to one algorithm). Never log or serialise this object.
 */
export interface SmimePrivateKey {
  /** 'ed25519' signs (RFC 8419), 'x25519' decrypts (RFC 8418). */
  readonly type: 'rsa' | 'ec' | 'ed25519' | 'x25519';
  readonly curve?: 'P-256' | 'P-384' | 'P-521';
  readonly pkcs8: Uint8Array;
}

function keyFromPkcs8(der: Uint8Array): SmimePrivateKey {
  const asn1 = asn1js.fromBER(toArrayBuffer(der));
  if (asn1.offset === -1) throw new Error('not BER');
  const info = new pkijs.PrivateKeyInfo({ schema: asn1.result });
  const algorithm = info.privateKeyAlgorithm.algorithmId;
  if (algorithm === OID.rsaEncryption) return { type: 'rsa', pkcs8: der };
  if (algorithm === OID.ecPublicKey) {
    const params = info.privateKeyAlgorithm.algorithmParams;
    const oid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : '';
    const curve = CURVE_BY_OID[oid];
    if (!curve) throw new Error('unsupported curve');
    return { type: 'ec', curve, pkcs8: der };
  }
  if (algorithm === OID.ed25519) return { type: 'ed25519', pkcs8: der };
  if (algorithm === OID.x25519) return { type: 'x25519', pkcs8: der };
  throw new Error('unsupported key algorithm');
}

function wrapPkcs8(algorithm: pkijs.AlgorithmIdentifier, keyDer: Uint8Array): Uint8Array {
  const info = new pkijs.PrivateKeyInfo({
    version: 0,
    privateKeyAlgorithm: algorithm,
    privateKey: new asn1js.OctetString({ valueHex: toArrayBuffer(keyDer) }),
  });
  return new Uint8Array(info.toSchema().toBER());
}

function ecCurveOfSec1(der: Uint8Array): string {
  const asn1 = asn1js.fromBER(toArrayBuffer(der));
  const key = new pkijs.ECPrivateKey({ schema: asn1.result });
  if (!key.namedCurve) throw new Error('SEC1 key without a named curve');
  return key.namedCurve;
}

/** Reads a private key: PEM "PRIVATE KEY" / "RSA PRIVATE KEY" / "EC PRIVATE KEY", or DER PKCS#8. */
export function readPrivateKey(input: Uint8Array | string): SmimePrivateKey {
  try {
    const text =
      typeof input === 'string' ? input : looksLikePem(input) ? bytesToLatin1(input) : undefined;
    if (text === undefined) return keyFromPkcs8((input as Uint8Array).slice());
    for (const block of readPemBlocks(text)) {
      if (block.label === 'PRIVATE KEY') return keyFromPkcs8(block.der);
      if (block.label === 'RSA PRIVATE KEY') {
        const algorithm = new pkijs.AlgorithmIdentifier({
          algorithmId: OID.rsaEncryption,
          algorithmParams: new asn1js.Null(),
        });
        return keyFromPkcs8(wrapPkcs8(algorithm, block.der));
      }
      if (block.label === 'EC PRIVATE KEY') {
        const algorithm = new pkijs.AlgorithmIdentifier({
          algorithmId: OID.ecPublicKey,
          algorithmParams: new asn1js.ObjectIdentifier({ value: ecCurveOfSec1(block.der) }),
        });
        return keyFromPkcs8(wrapPkcs8(algorithm, block.der));
      }
    }
    throw new Error('no private key block');
  } catch (cause) {
    throw new SealpostError(
      'ECERT_PARSE',
      'The data is not an unencrypted RSA, EC (P-256/384/521), Ed25519 or X25519 private key in PEM or PKCS#8 DER.',
      { cause },
    );
  }
}

export type KeyUse = 'sign' | 'rsa-oaep-decrypt' | 'ecdh';

/** Imports the key for one use; `hash` matters for RSA-OAEP and signatures. */
export function importPrivateKey(
  key: SmimePrivateKey,
  use: KeyUse,
  hash: string,
  crypto: Crypto = globalThis.crypto,
): Promise<CryptoKey> {
  const data = key.pkcs8 as BufferSource;
  if (key.type === 'ed25519' || key.type === 'x25519') {
    const name = key.type === 'ed25519' ? 'Ed25519' : 'X25519';
    return crypto.subtle.importKey('pkcs8', data, { name }, false, [
      key.type === 'ed25519' ? 'sign' : 'deriveBits',
    ]);
  }
  if (key.type === 'rsa') {
    const algorithm = use === 'sign' ? 'RSASSA-PKCS1-v1_5' : 'RSA-OAEP';
    const usage: KeyUsage = use === 'sign' ? 'sign' : 'decrypt';
    return crypto.subtle.importKey('pkcs8', data, { name: algorithm, hash }, false, [usage]);
  }
  if (use === 'sign') {
    return crypto.subtle.importKey(
      'pkcs8',
      data,
      { name: 'ECDSA', namedCurve: key.curve! },
      false,
      ['sign'],
    );
  }
  return crypto.subtle.importKey('pkcs8', data, { name: 'ECDH', namedCurve: key.curve! }, false, [
    'deriveBits',
  ]);
}

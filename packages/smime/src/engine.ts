/**
 * The pkijs crypto engine, built from the Web Crypto object the caller gives (or the global
 * one) and passed explicitly to every pkijs call: pkijs's own global engine is a side effect
 * of importing it, and we never rely on it. It also verifies Ed25519 certificate signatures
 * (RFC 8410 §6), which pkijs does not know, so chains under an Ed25519 CA (RFC 9216) validate.
 */
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './oids.js';

class SealpostCryptoEngine extends pkijs.CryptoEngine {
  override async verifyWithPublicKey(
    data: BufferSource,
    signature: asn1js.BitString | asn1js.OctetString,
    publicKeyInfo: pkijs.PublicKeyInfo,
    signatureAlgorithm: pkijs.AlgorithmIdentifier,
    shaAlgorithm?: string,
  ): Promise<boolean> {
    if (signatureAlgorithm.algorithmId !== OID.ed25519) {
      return super.verifyWithPublicKey(
        data,
        signature,
        publicKeyInfo,
        signatureAlgorithm,
        shaAlgorithm,
      );
    }
    if (publicKeyInfo.algorithm.algorithmId !== OID.ed25519) return false;
    const key = await this.crypto.subtle.importKey(
      'spki',
      publicKeyInfo.toSchema().toBER(),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    return this.crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      signature.valueBlock.valueHexView as BufferSource,
      data,
    );
  }
}

const engines = new WeakMap<Crypto, pkijs.CryptoEngine>();

export function cryptoEngine(crypto: Crypto = globalThis.crypto): pkijs.CryptoEngine {
  let engine = engines.get(crypto);
  if (!engine) {
    engine = new SealpostCryptoEngine({ name: 'sealpost', crypto });
    engines.set(crypto, engine);
  }
  return engine;
}

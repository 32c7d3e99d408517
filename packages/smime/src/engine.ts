/**
 * The pkijs crypto engine, built from the Web Crypto object the caller gives (or the global
 * one) and passed explicitly to every pkijs call: pkijs's own global engine is a side effect
 * of importing it, and we never rely on it.
 */
import * as pkijs from 'pkijs';

const engines = new WeakMap<Crypto, pkijs.CryptoEngine>();

export function cryptoEngine(crypto: Crypto = globalThis.crypto): pkijs.CryptoEngine {
  let engine = engines.get(crypto);
  if (!engine) {
    engine = new pkijs.CryptoEngine({ name: 'sealpost', crypto });
    engines.set(crypto, engine);
  }
  return engine;
}

/**
 * Decrypting the RSA public-key encrypted session key packets (RFC 9580 §5.1) of a message
 * with a raw RSA primitive the runtime supplies (Node's privateDecrypt with RSA_NO_PADDING),
 * instead of openpgp.js's BigInt fallback: Node ≥ 20.11 refuses PKCS#1 v1.5 decryption
 * (CVE-2023-46809), and the BigInt path costs ~30 ms for RSA-3072. The unpadding is
 * session-key-implicit.ts: constant time, implicit rejection. The session keys found are what
 * openpgp.js's `decrypt({ sessionKeys })` takes.
 */
import * as openpgp from 'openpgp';
import type { PrivateKey } from '../keys/read-keys.js';
import {
  type OpenPgpRsaParams,
  type RsaRawDecrypt,
  rsaPrivateKeyInfo,
} from './rsa-private-key-info.js';
import {
  type AcceptedCipher,
  decodeSessionKeyImplicit,
  SYNTHETIC_LENGTH,
} from './session-key-implicit.js';

export interface RsaSessionKeyOptions {
  readonly rsaRawDecrypt: RsaRawDecrypt;
  readonly config?: openpgp.PartialConfig;
  readonly date?: Date;
}

// What openpgp.js keeps on its packets but does not declare.
interface PkeskFields {
  readonly version: number;
  readonly publicKeyID: openpgp.KeyID;
  readonly publicKeyAlgorithm: number;
  readonly encrypted: { readonly c?: Uint8Array } | null;
}
interface KeyPacketFields {
  readonly algorithm: number;
  readonly publicParams: { readonly n: Uint8Array; readonly e: Uint8Array };
  readonly privateParams: {
    readonly d: Uint8Array;
    readonly p: Uint8Array;
    readonly q: Uint8Array;
    readonly u: Uint8Array;
  } | null;
}
interface SelfSignatureSource {
  getPrimarySelfSignature?(
    date?: Date,
    userID?: undefined,
    config?: openpgp.PartialConfig,
  ): Promise<openpgp.SignaturePacket>;
}

const RSA = new Set<number>([
  openpgp.enums.publicKey.rsaEncrypt,
  openpgp.enums.publicKey.rsaEncryptSign,
]);

/** Key lengths of the ciphers openpgp.js implements (RFC 9580 §9.3). */
const KEY_LENGTH = new Map<number, number>([
  [openpgp.enums.symmetric.tripledes, 24],
  [openpgp.enums.symmetric.cast5, 16],
  [openpgp.enums.symmetric.blowfish, 16],
  [openpgp.enums.symmetric.aes128, 16],
  [openpgp.enums.symmetric.aes192, 24],
  [openpgp.enums.symmetric.aes256, 32],
  [openpgp.enums.symmetric.twofish, 32],
]);

// The ciphers openpgp.js accepts in a v3 PKESK besides the key's own preferences.
const FALLBACK_CIPHERS = [
  openpgp.enums.symmetric.aes256,
  openpgp.enums.symmetric.aes128,
  openpgp.enums.symmetric.tripledes,
  openpgp.enums.symmetric.cast5,
];

const LABEL = new TextEncoder().encode('sealpost openpgp implicit rejection');

function ciphers(algorithms: Iterable<number>): AcceptedCipher[] {
  const out: AcceptedCipher[] = [];
  for (const algorithm of new Set(algorithms)) {
    const keyLength = KEY_LENGTH.get(algorithm);
    if (keyLength !== undefined) out.push({ algorithm, keyLength });
  }
  return out;
}

/** A message read whole or streamed: only its packets before the data are read here. */
type AnyMessage = openpgp.Message<openpgp.MaybeStream<Uint8Array>>;

/** The cipher the SEIPD v2 (or AEAD) packet names, which fixes the session key's size. */
function dataCipher(message: AnyMessage): number | undefined {
  const data = message.packets.find(
    (p) =>
      p instanceof openpgp.SymEncryptedIntegrityProtectedDataPacket ||
      p instanceof openpgp.AEADEncryptedDataPacket,
  ) as { cipherAlgorithm?: number | null } | undefined;
  return data?.cipherAlgorithm ?? undefined;
}

async function acceptedCiphers(
  key: PrivateKey,
  forced: number | undefined,
  options: RsaSessionKeyOptions,
): Promise<AcceptedCipher[]> {
  if (forced !== undefined) return ciphers([forced]);
  let preferred: readonly number[] = [];
  try {
    const self = await (key as unknown as SelfSignatureSource).getPrimarySelfSignature?.(
      options.date,
      undefined,
      options.config,
    );
    preferred = self?.preferredSymmetricAlgorithms ?? [];
  } catch {
    // As openpgp.js does: a key without a valid self-signature keeps the fallback list.
  }
  return ciphers([...FALLBACK_CIPHERS, ...preferred]);
}

/** 33 octets derived from the private key and the ciphertext: the implicit-rejection key. */
async function syntheticInput(pkcs8: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const seed = new Uint8Array(LABEL.length + pkcs8.length);
  seed.set(LABEL);
  seed.set(pkcs8, LABEL.length);
  const kdk = await subtle.digest('SHA-256', seed);
  const hmac = await subtle.importKey('raw', kdk, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const blocks = new Uint8Array(64);
  for (let counter = 1; counter <= 2; counter++) {
    const input = new Uint8Array(4 + ciphertext.length);
    input[3] = counter;
    input.set(ciphertext, 4);
    blocks.set(new Uint8Array(await subtle.sign('HMAC', hmac, input)), (counter - 1) * 32);
  }
  return blocks.subarray(0, SYNTHETIC_LENGTH);
}

function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length >= length) return bytes;
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

interface Pairing {
  readonly pkesk: PkeskFields;
  readonly key: PrivateKey;
  readonly keyPacket: KeyPacketFields;
}

/** Which (PKESK, secret key packet) pairs there are; null when one of them is not RSA. */
async function pairings(
  message: AnyMessage,
  keys: readonly PrivateKey[],
  options: RsaSessionKeyOptions,
): Promise<Pairing[] | null> {
  const pkesks = message.packets.filterByTag(
    openpgp.enums.packet.publicKeyEncryptedSessionKey,
  ) as unknown as PkeskFields[];
  const out: Pairing[] = [];
  for (const pkesk of pkesks) {
    for (const key of keys) {
      let found: (openpgp.PrivateKey | openpgp.Subkey)[];
      try {
        found = await key.getDecryptionKeys(
          pkesk.publicKeyID,
          null,
          undefined,
          options.config as openpgp.Config,
        );
      } catch {
        continue; // not this key's packet, as in openpgp.js
      }
      for (const candidate of found) {
        const keyPacket = candidate.keyPacket as unknown as KeyPacketFields;
        if (!RSA.has(pkesk.publicKeyAlgorithm) || !RSA.has(keyPacket.algorithm)) {
          // ECDH, X25519, ElGamal: openpgp.js decrypts those itself, so it does all of them.
          if (pkesk.publicKeyAlgorithm === keyPacket.algorithm) return null;
          continue;
        }
        if (pkesk.publicKeyAlgorithm !== keyPacket.algorithm) continue;
        out.push({ pkesk, key, keyPacket });
      }
    }
  }
  return out;
}

/**
 * The candidate session keys of `message` for `keys`, one per RSA PKESK that names one of
 * their RSA decryption (sub)keys: each is either the real key or an implicit-rejection key
 * that fails the integrity check like any wrong key. undefined when the message has no such
 * PKESK or another kind of key matches; openpgp.js then decrypts the session key itself.
 * Works on a streamed message too (the PKESKs come before the data packet).
 */
export async function decryptRsaSessionKeys(
  message: AnyMessage,
  keys: readonly PrivateKey[],
  options: RsaSessionKeyOptions,
): Promise<openpgp.SessionKey[] | undefined> {
  // Key methods called directly take a full configuration, not the partial one of the API.
  const config = { ...openpgp.config, ...options.config } as openpgp.Config;
  const full = { ...options, config };
  const pairs = await pairings(message, keys, full);
  if (!pairs || pairs.length === 0) return undefined;
  const forced = dataCipher(message);
  const infos = new Map<KeyPacketFields, Uint8Array>();
  const sessionKeys: openpgp.SessionKey[] = [];
  for (const { pkesk, key, keyPacket } of pairs) {
    const ciphertext = pkesk.encrypted?.c;
    if (!ciphertext || !keyPacket.privateParams) continue;
    const { n, e } = keyPacket.publicParams;
    const params: OpenPgpRsaParams = { n, e, ...keyPacket.privateParams };
    let pkcs8 = infos.get(keyPacket);
    if (!pkcs8) {
      pkcs8 = rsaPrivateKeyInfo(params);
      infos.set(keyPacket, pkcs8);
    }
    const k = n.length - (n[0] === 0 ? 1 : 0);
    // A ciphertext longer than the modulus is refused on public sizes alone.
    if (ciphertext.length > k) continue;
    const padded = leftPad(ciphertext, k);
    let em: Uint8Array;
    try {
      em = leftPad(await options.rsaRawDecrypt(pkcs8, padded), k);
    } catch {
      continue; // c >= n: public, not a padding verdict
    }
    const accepted = await acceptedCiphers(key, forced, full);
    if (accepted.length === 0) continue;
    const decoded = decodeSessionKeyImplicit(
      em,
      accepted,
      pkesk.version !== 6,
      await syntheticInput(pkcs8, padded),
    );
    sessionKeys.push({
      data: decoded.key,
      algorithm: openpgp.enums.read(
        openpgp.enums.symmetric,
        decoded.algorithm,
      ) as openpgp.enums.symmetricNames,
    });
  }
  return sessionKeys;
}

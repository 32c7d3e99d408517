/**
 * The legacy PKCS#12 password-based encryption (RFC 7292 Appendix C, pkcs-12PbeIds) that older
 * tools and gpgsm still export: pbeWithSHAAnd3-KeyTripleDES-CBC, …2-KeyTripleDES-CBC,
 * …128BitRC2-CBC and …40BitRC2-CBC, keyed by the PKCS#12 KDF (Appendix B.2). Read only: the
 * cipher itself comes from the injected ContentDecrypt (decision 0095), and the result is
 * flagged weak (decision 0096).
 */
import { concatBytes } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import type { ContentDecrypt, InjectedCipher } from './cms/content-decrypt.js';
import { OID } from './oids.js';

interface LegacyPbe {
  readonly name: string;
  readonly cipher: InjectedCipher;
  readonly keyBytes: number;
  readonly effectiveKeyBits?: number;
}

const LEGACY_PBE: Readonly<Record<string, LegacyPbe>> = {
  [OID.pbeSha3DesCbc]: {
    name: 'pbeWithSHAAnd3-KeyTripleDES-CBC',
    cipher: 'des-ede3-cbc',
    keyBytes: 24,
  },
  [OID.pbeSha2DesCbc]: {
    name: 'pbeWithSHAAnd2-KeyTripleDES-CBC',
    cipher: 'des-ede3-cbc',
    keyBytes: 16,
  },
  [OID.pbeSha128Rc2Cbc]: {
    name: 'pbeWithSHAAnd128BitRC2-CBC',
    cipher: 'rc2-cbc',
    keyBytes: 16,
    effectiveKeyBits: 128,
  },
  [OID.pbeSha40Rc2Cbc]: {
    name: 'pbeWithSHAAnd40BitRC2-CBC',
    cipher: 'rc2-cbc',
    keyBytes: 5,
    effectiveKeyBits: 40,
  },
};

export function isLegacyPbe(algorithmOid: string): boolean {
  return LEGACY_PBE[algorithmOid] !== undefined;
}

/** The password as PKCS#12 wants it: BMPString (UTF-16BE) with two zero octets (App. B.1). */
export function pkcs12PasswordBytes(password: string): Uint8Array {
  const out = new Uint8Array((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    out[2 * i] = unit >>> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

function repeatTo(source: Uint8Array, blockBytes: number): Uint8Array {
  if (source.length === 0) return new Uint8Array(0);
  const length = blockBytes * Math.ceil(source.length / blockBytes);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length]!;
  return out;
}

/**
 * The PKCS#12 KDF (RFC 7292 Appendix B.2) with SHA-1 (u = 20, v = 64): `id` 1 for the key,
 * 2 for the IV, 3 for the MAC key.
 */
export async function pkcs12Kdf(
  id: 1 | 2 | 3,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  lengthBytes: number,
  crypto: Crypto,
): Promise<Uint8Array> {
  const u = 20;
  const v = 64;
  const d = new Uint8Array(v).fill(id);
  const i = concatBytes([repeatTo(salt, v), repeatTo(password, v)]);
  const blocks: Uint8Array[] = [];
  for (let produced = 0; produced < lengthBytes; produced += u) {
    let a = concatBytes([d, i]);
    for (let round = 0; round < iterations; round++) {
      a = new Uint8Array(await crypto.subtle.digest('SHA-1', a as BufferSource));
    }
    blocks.push(a);
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-octet block of I, B = A repeated to v octets.
    const b = repeatTo(a, v).subarray(0, v);
    for (let offset = 0; offset < i.length; offset += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[offset + k]! + b[k]! + carry;
        i[offset + k] = sum & 0xff;
        carry = sum >>> 8;
      }
    }
  }
  return concatBytes(blocks).slice(0, lengthBytes);
}

function readPbeParams(algorithm: pkijs.AlgorithmIdentifier): {
  salt: Uint8Array;
  iterations: number;
} {
  const params = algorithm.algorithmParams as asn1js.AsnType | undefined;
  const [salt, iterations] = params instanceof asn1js.Sequence ? params.valueBlock.value : [];
  if (!(salt instanceof asn1js.OctetString) || !(iterations instanceof asn1js.Integer)) {
    throw new SealpostError('ECERT_PARSE', 'The PKCS#12 PBE parameters are malformed.');
  }
  const count = iterations.valueBlock.valueDec;
  if (count < 1 || count > 10_000_000) {
    throw new SealpostError('ECERT_PARSE', `The PKCS#12 iteration count ${count} is out of range.`);
  }
  return { salt: salt.valueBlock.valueHexView.slice(), iterations: count };
}

/** The user-facing warning for a legacy PBE (decision 0096). */
export function legacyPbeWarning(algorithmOid: string): string {
  const pbe = LEGACY_PBE[algorithmOid];
  return `The PKCS#12 file is protected with ${pbe?.name ?? algorithmOid}, a weak legacy algorithm; export it again with AES (openssl pkcs12 -export without -legacy).`;
}

/** Decrypts data protected with a legacy PKCS#12 PBE; ESMIME_CIPHER_UNAVAILABLE without a decryptor. */
export async function decryptLegacyPbe(
  algorithm: pkijs.AlgorithmIdentifier,
  password: string,
  ciphertext: Uint8Array,
  contentDecrypt: ContentDecrypt | undefined,
  crypto: Crypto,
): Promise<Uint8Array> {
  const pbe = LEGACY_PBE[algorithm.algorithmId];
  if (!pbe) throw new SealpostError('ECERT_PARSE', `Unknown PKCS#12 PBE ${algorithm.algorithmId}.`);
  if (!contentDecrypt) {
    throw new SealpostError(
      'ESMIME_CIPHER_UNAVAILABLE',
      `The PKCS#12 file uses ${pbe.name}; reading it needs contentDecrypt from @sealpost/smime/node, or export it again with AES.`,
      { details: { algorithm: algorithm.algorithmId } },
    );
  }
  const { salt, iterations } = readPbeParams(algorithm);
  const passwordBytes = pkcs12PasswordBytes(password);
  let key = await pkcs12Kdf(1, passwordBytes, salt, iterations, pbe.keyBytes, crypto);
  const iv = await pkcs12Kdf(2, passwordBytes, salt, iterations, 8, crypto);
  // Two-key 3DES is three-key 3DES with K3 = K1.
  if (pbe.cipher === 'des-ede3-cbc' && key.length === 16)
    key = concatBytes([key, key.subarray(0, 8)]);
  try {
    return await contentDecrypt({
      cipher: pbe.cipher,
      key,
      iv,
      ciphertext,
      ...(pbe.effectiveKeyBits ? { effectiveKeyBits: pbe.effectiveKeyBits } : {}),
    });
  } catch (cause) {
    if (cause instanceof SealpostError) throw cause;
    // Without a MAC to check first, a wrong password shows up as bad padding here.
    throw new SealpostError(
      'EPKCS12_PASSWORD',
      'The PKCS#12 contents could not be decrypted with the given password.',
      { cause },
    );
  } finally {
    key.fill(0);
  }
}

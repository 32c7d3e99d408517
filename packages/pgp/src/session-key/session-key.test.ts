import {
  constants,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
} from 'node:crypto';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { generateKey } from '../keys/generate-key.js';
import { rsaPrivateKeyInfo } from './rsa-private-key-info.js';
import { decodeSessionKeyImplicit, SYNTHETIC_LENGTH } from './session-key-implicit.js';

const AES128 = openpgp.enums.symmetric.aes128;
const AES256 = openpgp.enums.symmetric.aes256;
const ACCEPTED = [
  { algorithm: AES256, keyLength: 32 },
  { algorithm: AES128, keyLength: 16 },
];

/** EME-PKCS1-v1_5 of algorithm || key || checksum in k octets. */
function encoded(k: number, key: Uint8Array, algorithm: number | null): Uint8Array {
  const m = [...(algorithm === null ? [] : [algorithm]), ...key];
  const sum = key.reduce((s, b) => (s + b) & 0xffff, 0);
  m.push(sum >> 8, sum & 0xff);
  const em = new Uint8Array(k);
  em[1] = 2;
  for (let i = 2; i < k - m.length - 1; i++) em[i] = (i % 250) + 1;
  em.set(m, k - m.length);
  return em;
}

const synthetic = Uint8Array.from({ length: SYNTHETIC_LENGTH }, (_, i) => 0x40 + i);
const key32 = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);

describe('decodeSessionKeyImplicit (RFC 8017 §7.2.2, RFC 9580 §5.1.1)', () => {
  it('returns the algorithm and key of a well-formed v3 value, for each key length', () => {
    expect(
      decodeSessionKeyImplicit(encoded(384, key32, AES256), ACCEPTED, true, synthetic),
    ).toEqual({ algorithm: AES256, key: key32 });
    const key16 = key32.subarray(0, 16);
    expect(
      decodeSessionKeyImplicit(encoded(384, key16, AES128), ACCEPTED, true, synthetic),
    ).toEqual({ algorithm: AES128, key: key16 });
  });

  it('reads a v6 value (no algorithm octet) with the cipher the data packet names', () => {
    const v6 = decodeSessionKeyImplicit(
      encoded(256, key32, null),
      [ACCEPTED[0]!],
      false,
      synthetic,
    );
    expect(v6).toEqual({ algorithm: AES256, key: key32 });
  });

  const broken: Record<string, (em: Uint8Array) => void> = {
    'first octet not 0': (em) => {
      em[0] = 1;
    },
    'second octet not 2': (em) => {
      em[1] = 1;
    },
    'a zero inside PS (PS too short)': (em) => {
      em[5] = 0;
    },
    'no separator': (em) => {
      em[384 - 36] = 7;
    },
    'a wrong checksum': (em) => {
      em[383] = em[383]! ^ 1;
    },
    'an algorithm the key does not accept': (em) => {
      em[384 - 35] = openpgp.enums.symmetric.twofish;
    },
  };
  for (const [what, breakIt] of Object.entries(broken)) {
    it(`answers ${what} with the synthetic key, not an error`, () => {
      const em = encoded(384, key32, AES256);
      breakIt(em);
      const decoded = decodeSessionKeyImplicit(em, ACCEPTED, true, synthetic);
      const fake = ACCEPTED[synthetic[0]! % ACCEPTED.length]!;
      expect(decoded).toEqual({
        algorithm: fake.algorithm,
        key: synthetic.subarray(1, 1 + fake.keyLength),
      });
    });
  }
});

describe('rsaPrivateKeyInfo (RFC 5208 §5, RFC 8017 §A.1.2)', () => {
  it('is the same RSA key as the OpenPGP key packet, for Node to import', async () => {
    const { privateKey } = await generateKey({
      userIds: [{ email: 'k@example.org' }],
      type: 'rsa',
      rsaBits: 3072,
    });
    const packet = privateKey.getKeys()[1]!.keyPacket as unknown as {
      publicParams: { n: Uint8Array; e: Uint8Array };
      privateParams: { d: Uint8Array; p: Uint8Array; q: Uint8Array; u: Uint8Array };
    };
    const der = rsaPrivateKeyInfo({ ...packet.publicParams, ...packet.privateParams });
    const imported = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    const jwk = imported.export({ format: 'jwk' });
    expect(Buffer.from(jwk.n!, 'base64url')).toEqual(Buffer.from(packet.publicParams.n));
    const secret = Buffer.from('session key');
    const c = publicEncrypt(
      { key: createPublicKey(imported), padding: constants.RSA_PKCS1_OAEP_PADDING },
      secret,
    );
    expect(privateDecrypt({ key: imported, padding: constants.RSA_PKCS1_OAEP_PADDING }, c)).toEqual(
      secret,
    );
  });
});

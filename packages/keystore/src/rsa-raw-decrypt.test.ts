import { constants, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rsaRawDecrypt } from './rsa-raw-decrypt.js';

describe('rsaRawDecrypt (RFC 8017 §5.1.2)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8 = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));

  it('returns the k octets of c^d mod n, padding left in place', async () => {
    const em = new Uint8Array(256);
    em.set([0, 2, 9, 9, 9, 9, 9, 9, 9, 9, 9, 0, 42], 0);
    const c = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, em);
    expect(await rsaRawDecrypt(pkcs8, c)).toEqual(em);
  });

  it('throws for a ciphertext of the wrong size (a public fact, not a padding verdict)', async () => {
    await expect(rsaRawDecrypt(pkcs8, new Uint8Array(300).fill(0xff))).rejects.toThrow();
  });
});

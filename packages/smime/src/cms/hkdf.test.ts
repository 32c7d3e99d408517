import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../bytes.js';
import { OID } from '../oids.js';
import { pkcs12Kdf, pkcs12PasswordBytes } from '../pkcs12-legacy-pbe.js';
import { eccCmsSharedInfo } from './ecc-cms-kdf.js';
import { hkdf } from './hkdf.js';
import { x25519Kek } from './key-agree-x25519.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));

describe('HKDF (RFC 5869) and the CMS KDF inputs', () => {
  it('matches RFC 5869 test case 1 (SHA-256)', async () => {
    const okm = await hkdf(
      'SHA-256',
      new Uint8Array(22).fill(0x0b),
      hex('000102030405060708090a0b0c'),
      hex('f0f1f2f3f4f5f6f7f8f9'),
      42,
      crypto,
    );
    expect(bytesToHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('refuses lengths HKDF cannot produce', async () => {
    await expect(
      hkdf('SHA-256', new Uint8Array(32), new Uint8Array(), new Uint8Array(), 255 * 32 + 1, crypto),
    ).rejects.toMatchObject({ code: 'ESMIME_UNSUPPORTED' });
  });

  it('derives the X25519 KEK as HKDF with no salt over the DER ECC-CMS-SharedInfo', async () => {
    const z = new Uint8Array(32).fill(7);
    const info = eccCmsSharedInfo(OID.aes256Wrap, 256, undefined);
    // SEQUENCE { SEQUENCE { aes256-wrap }, [2] { OCTET STRING 00000100 } } (RFC 5753 §7.2)
    expect(bytesToHex(info)).toBe('301530' + '0b060960864801650304012d' + 'a206040400000100');
    const kek = await x25519Kek(z, OID.hkdfSha256Scheme, OID.aes256Wrap, undefined, crypto);
    expect(kek).toEqual(await hkdf('SHA-256', z, new Uint8Array(), info, 32, crypto));
    await expect(
      x25519Kek(z, OID.hkdfSha256Scheme, OID.aes128Gcm, undefined, crypto),
    ).rejects.toMatchObject({ code: 'ESMIME_UNSUPPORTED' });
  });
});

describe('PKCS#12 KDF (RFC 7292 Appendix B.2)', () => {
  it('encodes the password as BMPString with two trailing zero octets', () => {
    expect(bytesToHex(pkcs12PasswordBytes('pw'))).toBe('007000770000');
    expect(bytesToHex(pkcs12PasswordBytes(''))).toBe('0000');
  });

  it('gives different key, IV and MAC material per id and is deterministic', async () => {
    const password = pkcs12PasswordBytes('secret');
    const salt = hex('0102030405060708');
    const key = await pkcs12Kdf(1, password, salt, 3, 24, crypto);
    const iv = await pkcs12Kdf(2, password, salt, 3, 8, crypto);
    expect(key).toHaveLength(24);
    expect(iv).toHaveLength(8);
    expect(bytesToHex(key).slice(0, 16)).not.toBe(bytesToHex(iv));
    expect(await pkcs12Kdf(1, password, salt, 3, 24, crypto)).toEqual(key);
  });
});

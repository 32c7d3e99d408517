import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GeneratedKey, generateKey, type KeyProvenance } from '@sealpost/pgp';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRevocationCertificate,
  gpgAlgorithmName,
  Keyring,
  longKeyId,
  matchKeys,
  matchOneKey,
  readRevocationCertificate,
  removeKeys,
} from '../src/index.js';

const source: KeyProvenance = {
  kind: 'file',
  location: 'k.asc',
  obtainedAt: '2026-12-01T00:00:00Z',
};
const text = (s: string) => new TextEncoder().encode(s);

describe('key selectors and revocation certificates', () => {
  let dir: string;
  let ring: Keyring;
  let a: GeneratedKey;
  let b: GeneratedKey;
  let v6: GeneratedKey;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sp-revoke-'));
    ring = await Keyring.open(dir);
    a = await generateKey({ userIds: [{ email: 'same@example.org' }] });
    b = await generateKey({ userIds: [{ email: 'same@example.org' }] });
    v6 = await generateKey({ userIds: [{ email: 'six@example.org' }], type: 'v6' });
    for (const k of [a, b, v6]) await ring.add(k.publicKey, source);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names keys by fingerprint, long key ID (v4 low, v6 high 64 bits), 0x forms and address', () => {
    const fa = a.publicKey.getFingerprint().toUpperCase();
    const f6 = v6.publicKey.getFingerprint().toUpperCase();
    expect(longKeyId(fa)).toBe(a.publicKey.getKeyID().toHex().toUpperCase());
    expect(longKeyId(f6)).toBe(v6.publicKey.getKeyID().toHex().toUpperCase());
    expect(matchOneKey(ring, `0x${fa.slice(-16).toLowerCase()}`).fingerprint).toBe(fa);
    expect(matchOneKey(ring, f6.slice(0, 16)).fingerprint).toBe(f6);
    expect(matchKeys(ring, 'SAME@example.org')).toHaveLength(2);
    expect(() => matchKeys(ring, fa.slice(-8))).toThrow(
      expect.objectContaining({ code: 'EUSAGE' }),
    );
    expect(() => matchOneKey(ring, 'same@example.org')).toThrow(
      expect.objectContaining({ code: 'EKEY_AMBIGUOUS' }),
    );
  });

  it('removes nothing when one selector is ambiguous or unknown', async () => {
    const fa = a.publicKey.getFingerprint().toUpperCase();
    await expect(removeKeys(ring, [fa, 'same@example.org'])).rejects.toMatchObject({
      code: 'EKEY_AMBIGUOUS',
    });
    await expect(removeKeys(ring, [fa, 'none@example.org'])).rejects.toMatchObject({
      code: 'EKEY_NOT_FOUND',
      message: expect.not.stringContaining('fingerprint'),
    });
    expect(ring.list()).toHaveLength(3);
  });

  it('reads a revocation certificate, armored or binary, and nothing else', async () => {
    const armored = readRevocationCertificate(text(a.revocationCertificate));
    expect(armored?.issuer).toBe(a.publicKey.getFingerprint().toUpperCase());
    const binary = (await openpgp.unarmor(a.revocationCertificate)).data as Uint8Array;
    expect(readRevocationCertificate(binary)?.packet).toEqual(armored?.packet);
    expect(readRevocationCertificate(text(a.armoredPublicKey))).toBeUndefined();
    expect(readRevocationCertificate(text('hello'))).toBeUndefined();
  });

  it('applies a certificate only to the key it verifies against', async () => {
    const cert = readRevocationCertificate(text(b.revocationCertificate))!;
    const fa = a.publicKey.getFingerprint().toUpperCase();
    await expect(applyRevocationCertificate(ring, cert, 'b.rev', fa)).rejects.toMatchObject({
      code: 'EKEY_REVOCATION',
    });
    expect(await (await ring.get(fa))!.isRevoked()).toBe(false);
    const revoked = await applyRevocationCertificate(ring, cert, 'b.rev');
    expect(revoked.fingerprint).toBe(b.publicKey.getFingerprint().toUpperCase());
    expect(await (await ring.get(revoked.fingerprint))!.isRevoked()).toBe(true);
    const six = readRevocationCertificate(text(v6.revocationCertificate))!;
    const r6 = await applyRevocationCertificate(ring, six, 'v6.rev');
    expect(await r6.key.isRevoked()).toBe(true);
  });

  it('names algorithms as gpg does', () => {
    expect(gpgAlgorithmName(a.publicKey.getAlgorithmInfo())).toBe('ed25519');
    expect(gpgAlgorithmName({ algorithm: 'rsaEncryptSign', bits: 3072 } as never)).toBe('rsa3072');
    expect(gpgAlgorithmName({ algorithm: 'ecdh', curve: 'curve25519Legacy' } as never)).toBe(
      'cv25519',
    );
    expect(gpgAlgorithmName({ algorithm: 'ecdsa', curve: 'nistP256' } as never)).toBe('nistp256');
  });
});

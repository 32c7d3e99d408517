import { readFile } from 'node:fs/promises';
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkKey } from './check-key.js';
import { type GeneratedKey, generateKey } from './generate-key.js';
import { armorPublicKey, readKeys, readPrivateKey, readPublicKey } from './read-keys.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SealpostError) return err.code;
    throw err;
  }
  return 'no error';
}

const DAY = 86_400_000;

describe('keys', () => {
  let alice: GeneratedKey;
  beforeAll(async () => {
    alice = await generateKey({
      userIds: [{ name: 'Alice', email: 'alice@example.org' }],
      passphrase: 'correct horse',
    });
  });

  it('generates a v4 Ed25519/Curve25519 key by default', async () => {
    expect(alice.privateKey.keyPacket.version).toBe(4);
    expect(alice.privateKey.getAlgorithmInfo()).toMatchObject({ algorithm: 'eddsaLegacy' });
    expect(alice.privateKey.subkeys[0]!.getAlgorithmInfo()).toMatchObject({
      algorithm: 'ecdh',
      curve: 'curve25519Legacy',
    });
    expect(alice.armoredPublicKey).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(alice.armoredPublicKey).not.toMatch(/Version:|Comment:/);
  });

  it('generates a v6 key only by option', async () => {
    const v6 = await generateKey({ userIds: [{ email: 'v6@example.org' }], type: 'v6' });
    expect(v6.privateKey.keyPacket.version).toBe(6);
    const check = await checkKey(v6.publicKey, { purpose: 'encrypt' });
    expect(check.version).toBe(6);
  });

  it('reads armored and binary keys and unlocks with the passphrase', async () => {
    const [armored] = await readKeys(alice.armoredPublicKey);
    expect(armored!.getFingerprint().toUpperCase()).toBe(alice.fingerprint);
    const binary = await readPublicKey(alice.publicKey.write());
    expect(binary.getFingerprint().toUpperCase()).toBe(alice.fingerprint);
    expect(await codeOf(readPrivateKey(alice.armoredPrivateKey))).toBe('EKEY_PASSPHRASE');
    expect(await codeOf(readPrivateKey(alice.armoredPrivateKey, { passphrase: 'wrong' }))).toBe(
      'EKEY_PASSPHRASE',
    );
    const unlocked = await readPrivateKey(alice.armoredPrivateKey, { passphrase: 'correct horse' });
    expect(unlocked.isDecrypted()).toBe(true);
    expect(await codeOf(readKeys('not a key'))).toBe('EKEY_PARSE');
    const err = await readPrivateKey(alice.armoredPrivateKey, { passphrase: 'wrong' }).catch(
      (e: unknown) => e as SealpostError,
    );
    expect(JSON.stringify((err as SealpostError).toJSON())).not.toContain('wrong');
  });

  it('accepts a good key for both purposes and checks the address', async () => {
    const enc = await checkKey(alice.publicKey, {
      purpose: 'encrypt',
      address: 'Alice@Example.org',
    });
    expect(enc.fingerprint).toBe(alice.fingerprint);
    expect(enc.usableKeyFingerprint).toBe(
      alice.publicKey.subkeys[0]!.getFingerprint().toUpperCase(),
    );
    const sig = await checkKey(alice.privateKey, { purpose: 'sign' });
    expect(sig.usableKeyFingerprint).toBe(alice.fingerprint);
    expect(
      await codeOf(checkKey(alice.publicKey, { purpose: 'encrypt', address: 'bob@x.test' })),
    ).toBe('EKEY_USERID');
  });

  it('refuses an expired key, and a key used before it expires passes', async () => {
    const created = new Date(Date.now() - 10 * DAY);
    const short = await generateKey({
      userIds: [{ email: 'short@example.org' }],
      expiresInSeconds: 86_400,
      date: created,
    });
    expect(await codeOf(checkKey(short.publicKey, { purpose: 'encrypt' }))).toBe('EKEY_EXPIRED');
    const ok = await checkKey(short.publicKey, {
      purpose: 'encrypt',
      now: new Date(created.getTime() + 1000),
    });
    expect(ok.expires).toBeInstanceOf(Date);
  });

  it('refuses a revoked key', async () => {
    const key = await generateKey({ userIds: [{ email: 'gone@example.org' }] });
    const { publicKey } = await openpgp.revokeKey({ key: key.privateKey, format: 'object' });
    expect(await codeOf(checkKey(publicKey, { purpose: 'encrypt' }))).toBe('EKEY_REVOKED');
  });

  it('falls back from a revoked encryption subkey to a valid one, and refuses when none is left', async () => {
    const base = await generateKey({ userIds: [{ email: 'sub@example.org' }] });
    const withTwo = await base.privateKey.addSubkey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      date: new Date(Date.now() + 1000),
    });
    // Revoke the newer subkey: the older must be chosen.
    const newer = withTwo.subkeys[1]!;
    const revokedNewer = await newer.revoke(withTwo.keyPacket as openpgp.SecretKeyPacket);
    withTwo.subkeys[1] = revokedNewer;
    const check = await checkKey(withTwo, { purpose: 'encrypt', now: new Date(Date.now() + 5000) });
    expect(check.usableKeyFingerprint).toBe(withTwo.subkeys[0]!.getFingerprint().toUpperCase());
    // Revoke the older as well: nothing left, and the error says why.
    withTwo.subkeys[0] = await withTwo.subkeys[0]!.revoke(
      withTwo.keyPacket as openpgp.SecretKeyPacket,
    );
    expect(
      await codeOf(checkKey(withTwo, { purpose: 'encrypt', now: new Date(Date.now() + 5000) })),
    ).toBe('EKEY_REVOKED');
  });

  it('refuses a key with no encryption subkey', async () => {
    const signOnly = await openpgp.generateKey({
      userIDs: [{ email: 'sign-only@example.org' }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      subkeys: [{ sign: true }],
      format: 'object',
    });
    expect(await codeOf(checkKey(signOnly.publicKey, { purpose: 'encrypt' }))).toBe(
      'EKEY_NO_ENCRYPTION',
    );
  });

  it('refuses a key whose self-signatures use SHA-1', async () => {
    // Made with gpg 2.2: --cert-digest-algo SHA1 --quick-gen-key ... rsa2048 (public part only).
    const armored = await readFile(
      new URL('../../test/fixtures/sha1-bound.asc', import.meta.url),
      'utf8',
    );
    const key = await readPublicKey(armored);
    const sig = (await key.getPrimaryUser()).selfCertification;
    expect(sig.hashAlgorithm).toBe(openpgp.enums.hash.sha1);
    expect(await codeOf(checkKey(key, { purpose: 'sign' }))).toBe('EKEY_SHA1');
  });

  it('refuses RSA keys below 2048 bits', async () => {
    const weak = await openpgp.generateKey({
      userIDs: [{ email: 'weak@example.org' }],
      type: 'rsa',
      rsaBits: 1024,
      format: 'object',
      config: { minRSABits: 1024 },
    });
    const reread = await readPublicKey(armorPublicKey(weak.publicKey));
    expect(await codeOf(checkKey(reread, { purpose: 'encrypt' }))).toBe('EKEY_WEAK');
  });

  it('does not serve a remembered result after the key object changed', async () => {
    const key = await generateKey({ userIds: [{ email: 'memo@example.org' }] });
    const first = await checkKey(key.privateKey, { purpose: 'encrypt' });
    expect(await checkKey(key.privateKey, { purpose: 'encrypt' })).toBe(first);
    key.privateKey.subkeys[0] = await key.privateKey.subkeys[0]!.revoke(
      key.privateKey.keyPacket as openpgp.SecretKeyPacket,
    );
    expect(await codeOf(checkKey(key.privateKey, { purpose: 'encrypt' }))).toBe('EKEY_REVOKED');
  });
});

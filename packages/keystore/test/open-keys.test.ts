// Keys for decrypt/verify: a passphrase-protected PEM key opens as it does for signing (before,
// the CLI's own reader refused it), identities pair keys with their certificates, stored trust
// is read without creating anything.
import { createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { sharedTestCa, type TestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CertStore,
  Keyring,
  loadDecryptionKeys,
  loadOpenKeys,
  loadSigningKey,
  loadVerificationKeys,
  readTrustAnchors,
  storedTrust,
} from '../src/index.js';

const PASS = 'correct horse battery staple';
const MIME = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nFor bob only.\r\n');
let dir: string;
let ca: TestCa;
let bob: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;
let other: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;
let me: pgp.GeneratedKey;

const file = async (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
};
const encryptedPem = (keyPem: string) =>
  createPrivateKey(keyPem).export({
    type: 'pkcs8',
    format: 'pem',
    cipher: 'aes-256-cbc',
    passphrase: PASS,
  }) as string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-open-keys-'));
  ca = await sharedTestCa();
  [bob, other, me] = await Promise.all([
    ca.issueEmailCertificate('bob@example.org', { keyType: 'ec-p256' }),
    ca.issueEmailCertificate('other@example.org', { keyType: 'ec-p256' }),
    pgp.generateKey({ userIds: [{ email: 'me@example.org' }], passphrase: PASS }),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('loadDecryptionKeys', () => {
  it('opens a passphrase-protected PEM key with its certificate, as loadSigningKey does', async () => {
    const path = await file('bob-enc.pem', `${encryptedPem(bob.keyPem)}${bob.chainPem}`);
    let asked = 0;
    const keys = await loadDecryptionKeys([path], {
      passphrase: async () => {
        asked++;
        return PASS;
      },
    });
    expect(asked).toBe(1);
    expect(keys.pgpPrivateKeys).toEqual([]);
    const [identity] = keys.smimeIdentities;
    // Leaf first, then the CA that came with it.
    expect(identity!.certificates.map((c) => c.addresses)).toEqual([['bob@example.org'], []]);
    const encrypted = await smime.encryptMime(MIME, {
      recipients: [smime.readCertificate(bob.certPem)],
    });
    const opened = await smime.decryptMime(encrypted, {
      privateKey: identity!.privateKey,
      certificate: identity!.certificates[0]!,
    });
    expect(new TextDecoder().decode(opened.message)).toContain('For bob only.');
    // The same file signs: one reader for both.
    const signer = await loadSigningKey(path, { passphrase: PASS });
    expect(signer.fingerprint).toBe(bob.fingerprint256);
    await expect(loadDecryptionKeys([path])).rejects.toMatchObject({ code: 'EKEY_PASSPHRASE' });
  });

  it('pairs keys and certificates across files by public key, and refuses a key without one', async () => {
    const keyFile = await file('bob.key', bob.keyPem);
    const certs = await file('certs.pem', `${other.certPem}${bob.chainPem}`);
    const keys = await loadDecryptionKeys([certs, keyFile]);
    expect(keys.smimeIdentities).toHaveLength(1);
    expect(keys.smimeIdentities[0]!.certificates.map((c) => c.addresses)).toEqual([
      ['bob@example.org'],
      [],
    ]);
    await expect(
      loadDecryptionKeys([keyFile, await file('other.pem', other.certPem)]),
    ).rejects.toMatchObject({ code: 'EKEY_FILE' });
  });

  it('unlocks OpenPGP secret keys and refuses a public key', async () => {
    const secret = await file('me.sec.asc', me.armoredPrivateKey);
    const keys = await loadDecryptionKeys([secret], { passphrase: async () => PASS });
    expect(keys.pgpPrivateKeys.map((k) => k.isDecrypted())).toEqual([true]);
    await expect(
      loadDecryptionKeys([await file('me.asc', me.armoredPublicKey)]),
    ).rejects.toMatchObject({ code: 'EKEY_FILE' });
  });
});

describe('verification keys, trust anchors and stored trust', () => {
  it('takes the public part of OpenPGP keys and refuses certificates as verification keys', async () => {
    const keys = await loadVerificationKeys([await file('me2.sec.asc', me.armoredPrivateKey)]);
    expect(keys.map((k) => k.isPrivate())).toEqual([false]);
    await expect(loadVerificationKeys([await file('bob.crt', bob.certPem)])).rejects.toMatchObject({
      code: 'EKEY_FILE',
    });
    const anchors = await readTrustAnchors([await file('ca.pem', ca.certPem)]);
    expect(anchors).toHaveLength(1);
    await expect(
      readTrustAnchors([await file('me3.asc', me.armoredPublicKey)]),
    ).rejects.toMatchObject({ code: 'EKEY_FILE' });
  });

  it('adds the keyring keys and store anchors, and creates nothing when there is no store', async () => {
    const missing = join(dir, 'no-data');
    expect(await storedTrust(missing)).toEqual({ pgpPublicKeys: [], smimeTrustAnchors: [] });
    expect(existsSync(missing)).toBe(false);
    const data = join(dir, 'data');
    const obtainedAt = new Date().toISOString();
    const ring = await Keyring.open(join(data, 'pgp'));
    await ring.add(me.publicKey, { kind: 'file', obtainedAt });
    const store = await CertStore.open(join(data, 'certs'));
    await store.add(smime.readCertificate(ca.certPem), 'anchor', { kind: 'file', obtainedAt });
    await store.add(smime.readCertificate(bob.certPem), 'certificate', {
      kind: 'file',
      obtainedAt,
    });
    const keys = await loadOpenKeys({
      verificationKeyFiles: [await file('me4.asc', me.armoredPublicKey)],
      anchorFiles: [await file('ca2.pem', ca.certPem)],
      dataDir: data,
    });
    expect(keys.pgpPublicKeys).toHaveLength(2);
    expect(keys.smimeTrustAnchors.map((c) => c.subject)).toEqual([
      smime.readCertificate(ca.certPem).subject,
      smime.readCertificate(ca.certPem).subject,
    ]);
    expect(keys).toMatchObject({ pgpPrivateKeys: [], smimeIdentities: [] });
  });
});

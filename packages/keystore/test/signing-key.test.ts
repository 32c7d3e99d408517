// loadSigningKey on real files: protected OpenPGP keys, PKCS#12 from openssl, PEM bundles
// (plain and encrypted PKCS#8); the loaded key then signs a message that verifies.
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { exportPkcs12, sharedTestCa, type TestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, type PgpSignerMaterial, type SmimeSignerMaterial } from '../src/index.js';

const DAY = 86_400_000;
const PASS = 'correct horse battery staple';
let dir: string;
let ca: TestCa;
let me: pgp.GeneratedKey;
let meCert: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;

const file = async (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
};
const MIME = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nSigned by me.\r\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-signkey-'));
  ca = await sharedTestCa();
  [me, meCert] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }], passphrase: PASS }),
    ca.issueEmailCertificate('me@example.net', { keyType: 'ec-p256' }),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('loadSigningKey: OpenPGP', () => {
  it('unlocks a protected armored key and signs with it', async () => {
    const path = await file('me.asc', me.armoredPrivateKey);
    const signer = await loadSigningKey(path, { passphrase: PASS, address: 'me@example.net' });
    expect(signer).toMatchObject({
      scheme: 'pgp',
      fingerprint: me.fingerprint.toLowerCase(),
      source: 'file',
    });
    const { privateKey } = signer.material as PgpSignerMaterial;
    expect(privateKey.isDecrypted()).toBe(true);
    const signed = await pgp.signMime(MIME, { signingKey: privateKey });
    const verified = await pgp.verifyMime(signed, {
      verificationKeys: [me.publicKey],
      checkSenderAddress: false,
    });
    expect(verified.signatures.map((s) => s.status)).toEqual(['valid']);
  });

  it('reads a binary secret key too', async () => {
    const unlocked = await pgp.generateKey({ userIds: [{ email: 'me@example.net' }] });
    const path = await file('me.gpg', unlocked.privateKey.write());
    const signer = await loadSigningKey(path);
    expect(signer.fingerprint).toBe(unlocked.fingerprint.toLowerCase());
  });

  it('refuses a missing or wrong passphrase, a public key, an expired key and a wrong address', async () => {
    const path = await file('me2.asc', me.armoredPrivateKey);
    await expect(loadSigningKey(path)).rejects.toMatchObject({ code: 'EKEY_PASSPHRASE' });
    const wrong = await loadSigningKey(path, { passphrase: 'nope' }).catch((e) => e);
    expect(wrong.code).toBe('EKEY_PASSPHRASE');
    expect(JSON.stringify(wrong)).not.toContain('nope');
    await expect(loadSigningKey(await file('pub.asc', me.armoredPublicKey))).rejects.toMatchObject({
      code: 'EKEY_FILE',
    });
    const old = await pgp.generateKey({
      userIds: [{ email: 'me@example.net' }],
      date: new Date(Date.now() - 3 * DAY),
      expiresInSeconds: 3600,
    });
    await expect(
      loadSigningKey(await file('old.asc', old.armoredPrivateKey)),
    ).rejects.toMatchObject({ code: 'EKEY_EXPIRED' });
    await expect(
      loadSigningKey(path, { passphrase: PASS, address: 'someone@example.org' }),
    ).rejects.toMatchObject({ code: 'EKEY_USERID' });
  });
});

describe('loadSigningKey: S/MIME', () => {
  const signAndVerify = async (material: SmimeSignerMaterial) => {
    const signed = await smime.signMime(MIME, {
      certificate: material.certificate,
      privateKey: material.privateKey,
      ...(material.chain ? { chain: material.chain } : {}),
    });
    const verified = await smime.verifyMime(signed, {
      trustAnchors: [smime.readCertificate(ca.certPem)],
      checkSenderAddress: false,
    });
    expect(verified.signature.status).toBe('valid');
  };

  it('opens a PKCS#12 file made by openssl, with the CA in its chain', async () => {
    const path = await file('me.p12', await exportPkcs12(meCert, ca, PASS));
    const signer = await loadSigningKey(path, {
      passphrase: PASS,
      address: 'me@example.net',
      trustAnchors: [smime.readCertificate(ca.certPem)],
    });
    expect(signer).toMatchObject({
      scheme: 'smime',
      fingerprint: meCert.fingerprint256,
      source: 'file',
    });
    const material = signer.material as SmimeSignerMaterial;
    expect(material.chain?.map((c) => c.subject)).toEqual([
      smime.readCertificate(ca.certPem).subject,
    ]);
    await signAndVerify(material);
    // One code for every format: a wrong PKCS#12 passphrase is EKEY_PASSPHRASE too.
    await expect(loadSigningKey(path, { passphrase: 'nope' })).rejects.toMatchObject({
      code: 'EKEY_PASSPHRASE',
    });
    await expect(loadSigningKey(path)).rejects.toMatchObject({ code: 'EKEY_PASSPHRASE' });
  });

  it('reads a PEM bundle (key before or after the certificates), plain or encrypted PKCS#8', async () => {
    const plain = await loadSigningKey(
      await file('bundle.pem', `${meCert.keyPem}\n${meCert.chainPem}`),
    );
    expect(plain.fingerprint).toBe(meCert.fingerprint256);
    await signAndVerify(plain.material as SmimeSignerMaterial);

    const encrypted = createPrivateKey(meCert.keyPem).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: PASS,
    }) as string;
    const path = await file('bundle-enc.pem', `${meCert.chainPem}\n${encrypted}`);
    const unlocked = await loadSigningKey(path, { passphrase: PASS });
    expect((unlocked.material as SmimeSignerMaterial).certificate.addresses).toEqual([
      'me@example.net',
    ]);
    await expect(loadSigningKey(path)).rejects.toMatchObject({ code: 'EKEY_PASSPHRASE' });
    await expect(loadSigningKey(path, { passphrase: 'nope' })).rejects.toMatchObject({
      code: 'EKEY_PASSPHRASE',
    });
  });

  it('refuses a key that matches no certificate, a certificate alone, an expired or untrusted one', async () => {
    const other = await ca.issueEmailCertificate('other@example.net', { keyType: 'ec-p256' });
    await expect(
      loadSigningKey(await file('mismatch.pem', `${meCert.certPem}\n${other.keyPem}`)),
    ).rejects.toMatchObject({ code: 'EKEY_FILE' });
    await expect(loadSigningKey(await file('cert-only.pem', meCert.certPem))).rejects.toMatchObject(
      { code: 'EKEY_FILE' },
    );
    const old = await ca.issueEmailCertificate('me@example.net', {
      keyType: 'ec-p256',
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    await expect(
      loadSigningKey(await file('old.pem', `${old.certPem}${old.keyPem}`)),
    ).rejects.toMatchObject({ code: 'ESMIME_CERT_EXPIRED' });
    const selfSigned = await ca.issueEmailCertificate('me@example.net', {
      keyType: 'ec-p256',
      selfSigned: true,
    });
    const path = await file('self.pem', `${selfSigned.certPem}${selfSigned.keyPem}`);
    await expect(
      loadSigningKey(path, { trustAnchors: [smime.readCertificate(ca.certPem)] }),
    ).rejects.toMatchObject({ code: 'ESMIME_CERT_UNTRUSTED' });
    await expect(loadSigningKey(await file('junk.bin', 'just text'))).rejects.toMatchObject({
      code: 'EKEY_FILE',
    });
  });
});

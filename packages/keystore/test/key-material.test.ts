// The one key reader on real material: every format told from the bytes (the file names here
// lie on purpose), the passphrase asked only when a needed key is protected, one set of codes.
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import { exportPkcs12, openssl, sharedTestCa, type TestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PassphraseRequest,
  type ReadKeyMaterialOptions,
  readKeyMaterial,
  readKeyMaterialFile,
} from '../src/index.js';

const PASS = 'correct horse battery staple';
let dir: string;
let ca: TestCa;
let alice: pgp.GeneratedKey;
let bob: pgp.GeneratedKey;
let rsa: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;
let ec: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;

const bytes = (text: string | Uint8Array) =>
  typeof text === 'string' ? new TextEncoder().encode(text) : text;

/** A passphrase callback that records what it was asked. */
function recorder(answer: string | undefined = PASS) {
  const asked: PassphraseRequest[] = [];
  return {
    asked,
    passphrase: async (request: PassphraseRequest) => {
      asked.push(request);
      return answer;
    },
  };
}

const encrypted = (keyPem: string, type: 'pkcs8' | 'pkcs1' | 'sec1', format: 'pem' | 'der') =>
  createPrivateKey(keyPem).export({
    type,
    format,
    cipher: 'aes-256-cbc',
    passphrase: PASS,
  } as never) as string | Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-key-material-'));
  ca = await sharedTestCa();
  [alice, bob, rsa, ec] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'bob@example.org' }], passphrase: PASS }),
    ca.issueEmailCertificate('rsa@example.org', { keyType: 'rsa-2048' }),
    ca.issueEmailCertificate('ec@example.org', { keyType: 'ec-p256' }),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('readKeyMaterial: OpenPGP', () => {
  it('reads every armor block of a file, public and secret, and binary keys', async () => {
    const text = `${alice.armoredPublicKey}\n${bob.armoredPrivateKey}`;
    const both = await readKeyMaterial(bytes(text), 'keys.pem');
    expect(both.format).toBe('openpgp');
    expect(both.pgpKeys.map((k) => [k.getFingerprint().toUpperCase(), k.isPrivate()])).toEqual([
      [alice.fingerprint, false],
      [bob.fingerprint, true],
    ]);
    const binary = await readKeyMaterial(alice.publicKey.write(), 'alice.p12');
    expect(binary.pgpKeys.map((k) => k.getFingerprint().toUpperCase())).toEqual([
      alice.fingerprint,
    ]);
  });

  it('unlocks a protected secret key only when secrets are asked for, asking once', async () => {
    const file = bytes(bob.armoredPrivateKey);
    const silent = recorder();
    const locked = await readKeyMaterial(file, 'bob.asc', { passphrase: silent.passphrase });
    expect((locked.pgpKeys[0] as pgp.PrivateKey).isDecrypted()).toBe(false);
    expect(silent.asked).toEqual([]);
    const asked = recorder();
    const unlocked = await readKeyMaterial(file, 'bob.asc', {
      secrets: true,
      passphrase: asked.passphrase,
    });
    expect((unlocked.pgpKeys[0] as pgp.PrivateKey).isDecrypted()).toBe(true);
    expect(asked.asked).toEqual([{ file: 'bob.asc', kind: 'openpgp' }]);
    const plain = recorder();
    await readKeyMaterial(bytes(alice.armoredPrivateKey), 'a.asc', {
      secrets: true,
      passphrase: plain.passphrase,
    });
    expect(plain.asked).toEqual([]);
  });

  it('refuses a missing or wrong passphrase with EKEY_PASSPHRASE, never echoing it', async () => {
    const file = bytes(bob.armoredPrivateKey);
    await expect(readKeyMaterial(file, 'bob.asc', { secrets: true })).rejects.toMatchObject({
      code: 'EKEY_PASSPHRASE',
    });
    const wrong = await readKeyMaterial(file, 'bob.asc', {
      secrets: true,
      passphrase: async () => 'tr0ub4dor',
    }).catch((e) => e);
    expect(wrong.code).toBe('EKEY_PASSPHRASE');
    expect(`${wrong.message} ${JSON.stringify(wrong)}`).not.toContain('tr0ub4dor');
  });
});

describe('readKeyMaterial: X.509 and private keys', () => {
  const secrets = (extra: Partial<ReadKeyMaterialOptions> = {}) => ({ secrets: true, ...extra });

  it('reads PEM bundles and DER certificates; private keys only with secrets', async () => {
    const bundle = bytes(`${rsa.keyPem}${rsa.chainPem}`);
    const publicOnly = await readKeyMaterial(bundle, 'bundle.asc');
    expect(publicOnly.format).toBe('pem');
    expect(publicOnly.certificates.map((c) => c.addresses)).toEqual([['rsa@example.org'], []]);
    expect(publicOnly.privateKeys).toEqual([]);
    const withKey = await readKeyMaterial(bundle, 'bundle.asc', secrets());
    expect(withKey.privateKeys.map((k) => k.type)).toEqual(['rsa']);
    const der = await readKeyMaterial(rsa.certDer, 'rsa.key');
    expect(der).toMatchObject({ format: 'der', privateKeys: [] });
    expect(der.certificates[0]!.addresses).toEqual(['rsa@example.org']);
  });

  it('reads PKCS#1, SEC1 and PKCS#8 keys, PEM or DER, plain or encrypted, including legacy PEM', async () => {
    const rsaKey = createPrivateKey(rsa.keyPem);
    const ecKey = createPrivateKey(ec.keyPem);
    const cases: [string, string | Buffer, 'rsa' | 'ec', boolean][] = [
      ['pkcs1', rsaKey.export({ type: 'pkcs1', format: 'pem' }), 'rsa', false],
      ['sec1', ecKey.export({ type: 'sec1', format: 'pem' }), 'ec', false],
      ['pkcs8 der', ecKey.export({ type: 'pkcs8', format: 'der' }), 'ec', false],
      ['encrypted pkcs8', encrypted(ec.keyPem, 'pkcs8', 'pem'), 'ec', true],
      ['encrypted pkcs8 der', encrypted(rsa.keyPem, 'pkcs8', 'der'), 'rsa', true],
      ['legacy rsa', encrypted(rsa.keyPem, 'pkcs1', 'pem'), 'rsa', true],
      ['legacy ec', encrypted(ec.keyPem, 'sec1', 'pem'), 'ec', true],
    ];
    for (const [name, key, type, isProtected] of cases) {
      const asked = recorder();
      const material = await readKeyMaterial(new Uint8Array(Buffer.from(key)), name, {
        secrets: true,
        passphrase: asked.passphrase,
      });
      expect([name, material.privateKeys.map((k) => k.type)]).toEqual([name, [type]]);
      expect([name, asked.asked.length]).toEqual([name, isProtected ? 1 : 0]);
      if (!isProtected) continue;
      const missing = await readKeyMaterial(new Uint8Array(Buffer.from(key)), name, {
        secrets: true,
      }).catch((e) => e);
      expect([name, missing.code]).toEqual([name, 'EKEY_PASSPHRASE']);
      const wrong = await readKeyMaterial(new Uint8Array(Buffer.from(key)), name, {
        secrets: true,
        passphrase: async () => 'tr0ub4dor',
      }).catch((e) => e);
      expect([name, wrong.code]).toEqual([name, 'EKEY_PASSPHRASE']);
      expect(JSON.stringify(wrong)).not.toContain('tr0ub4dor');
    }
  });

  it('reads PKCS#12 files: an unprotected one asks nothing, a protected one asks once', async () => {
    await writeFile(join(dir, 'ec.crt'), ec.certPem);
    await writeFile(join(dir, 'ec.key'), ec.keyPem);
    await writeFile(join(dir, 'ca.crt'), ca.certPem);
    const open = new Uint8Array(
      await openssl([
        'pkcs12',
        '-export',
        ...['-in', join(dir, 'ec.crt'), '-inkey', join(dir, 'ec.key')],
        ...['-certfile', join(dir, 'ca.crt'), '-passout', 'pass:'],
      ]),
    );
    const none = recorder();
    const unprotected = await readKeyMaterial(open, 'ec.pem', secrets(none));
    expect(unprotected.format).toBe('pkcs12');
    expect(unprotected.certificates).toHaveLength(2);
    expect(unprotected.privateKeys).toHaveLength(1);
    expect(none.asked).toEqual([]);
    const p12 = await exportPkcs12(ec, ca, PASS);
    const asked = recorder();
    const opened = await readKeyMaterial(p12, 'ec.asc', secrets(asked));
    expect(opened.privateKeys.map((k) => k.curve)).toEqual(['P-256']);
    expect(asked.asked).toEqual([{ file: 'ec.asc', kind: 'pkcs12' }]);
    await expect(readKeyMaterial(p12, 'ec.asc', secrets())).rejects.toMatchObject({
      code: 'EKEY_PASSPHRASE',
    });
    await expect(
      readKeyMaterial(p12, 'ec.asc', secrets({ passphrase: async () => 'nope' })),
    ).rejects.toMatchObject({ code: 'EKEY_PASSPHRASE' });
  });
});

describe('readKeyMaterial: one set of error codes', () => {
  it('EKEY_FILE for no key material, EKEY_PARSE / ECERT_PARSE for damaged blocks, EIO unreadable', async () => {
    await expect(readKeyMaterial(bytes('hello\n'), 'a.asc')).rejects.toMatchObject({
      code: 'EKEY_FILE',
    });
    await expect(readKeyMaterial(new Uint8Array(), 'empty')).rejects.toMatchObject({
      code: 'EKEY_FILE',
    });
    await expect(
      readKeyMaterial(bytes('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), 'k'),
    ).rejects.toMatchObject({ code: 'EKEY_FILE' });
    await expect(
      readKeyMaterial(
        bytes('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n'),
        'k',
      ),
    ).rejects.toMatchObject({ code: 'EKEY_PARSE' });
    await expect(
      readKeyMaterial(
        bytes('-----BEGIN PGP MESSAGE-----\n\nAAAA\n-----END PGP MESSAGE-----\n'),
        'k',
      ),
    ).rejects.toMatchObject({ code: 'EKEY_PARSE' });
    await expect(
      readKeyMaterial(bytes('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), 'k'),
    ).rejects.toMatchObject({ code: 'ECERT_PARSE' });
    await expect(readKeyMaterial(new Uint8Array([0x30, 0x03, 1, 2, 3]), 'k')).rejects.toMatchObject(
      { code: 'ECERT_PARSE' },
    );
    await expect(readKeyMaterialFile(join(dir, 'missing.asc'))).rejects.toMatchObject({
      code: 'EIO',
      details: { file: join(dir, 'missing.asc') },
    });
    await writeFile(join(dir, 'alice.asc'), alice.armoredPublicKey);
    const relative = await readKeyMaterialFile('alice.asc', { cwd: dir });
    expect(relative.file).toBe('alice.asc');
  });
});

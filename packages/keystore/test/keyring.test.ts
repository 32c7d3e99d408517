import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkKey, type GeneratedKey, generateKey, type KeyProvenance } from '@sealpost/pgp';
import { createGnupgHome, type GnupgHome } from '@sealpost/testkit';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFromGnupg, Keyring } from '../src/index.js';

const fileSource: KeyProvenance = {
  kind: 'file',
  location: 'alice.asc',
  obtainedAt: '2026-11-27T18:00:00Z',
};

describe('Keyring', () => {
  let dir: string;
  let alice: GeneratedKey;
  let gpg: GnupgHome;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sp-keyring-'));
    alice = await generateKey({
      userIds: [{ name: 'Alice', email: 'Alice@Example.org' }, { email: 'a@work.example' }],
    });
    gpg = await createGnupgHome();
  });
  afterAll(async () => {
    await gpg?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores public keys by fingerprint with an e-mail index that survives reopening', async () => {
    const ring = await Keyring.open(dir);
    const entry = await ring.add(alice.privateKey, fileSource);
    expect(entry).toMatchObject({
      fingerprint: alice.fingerprint,
      emails: ['alice@example.org', 'a@work.example'],
      source: fileSource,
    });
    const stored = await readFile(join(dir, 'keys', `${alice.fingerprint}.asc`), 'utf8');
    expect(stored).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    expect(stored).not.toContain('PRIVATE');

    const reopened = await Keyring.open(dir);
    expect(reopened.findByEmail('ALICE@example.org').map((e) => e.fingerprint)).toEqual([
      alice.fingerprint,
    ]);
    const [found] = await reopened.keysForEmail('a@work.example');
    expect(found!.key.getFingerprint().toUpperCase()).toBe(alice.fingerprint);
    expect(found!.source.kind).toBe('file');
    expect(await reopened.get('0'.repeat(40))).toBeUndefined();
  });

  it('merges a revocation into the stored key', async () => {
    const ring = await Keyring.open(dir);
    const { publicKey } = await openpgp.revokeKey({ key: alice.privateKey, format: 'object' });
    await ring.add(publicKey, fileSource);
    const stored = await ring.get(alice.fingerprint);
    await expect(checkKey(stored!, { purpose: 'encrypt' })).rejects.toMatchObject({
      code: 'EKEY_REVOKED',
    });
    expect(ring.list()).toHaveLength(1);
  });

  it('reports a key whose file went missing as EIO naming the fix, not as a crash', async () => {
    const ring = await Keyring.open(dir);
    await ring.add(alice.publicKey, fileSource);
    await rm(join(dir, 'keys', `${alice.fingerprint}.asc`));
    const error = await ring.get(alice.fingerprint).catch((err) => err);
    expect(error).toMatchObject({ code: 'EIO' });
    expect(error.message).toContain(`sealpost keys remove ${alice.fingerprint}`);
    await ring.add(alice.publicKey, fileSource); // re-import repairs it
    expect((await ring.get(alice.fingerprint))!.getFingerprint().toUpperCase()).toBe(
      alice.fingerprint,
    );
  });

  it('removes a key and its file', async () => {
    const ring = await Keyring.open(dir);
    expect(await ring.remove(alice.fingerprint)).toBe(true);
    expect(ring.list()).toEqual([]);
    expect(await readdir(join(dir, 'keys'))).toEqual([]);
  });

  it("imports the user's GnuPG keys with source gnupg", async () => {
    await gpg.ok(
      ['--quick-gen-key', 'Gus <gus@example.org>', 'future-default', 'default', 'never'],
      {
        passphrase: '',
      },
    );
    await gpg.importKeys(alice.armoredPublicKey);
    const ring = await Keyring.open(join(dir, 'from-gpg'));
    const entries = await importFromGnupg(ring, { gnupgHome: gpg.home });
    expect(entries.map((e) => e.emails[0]).sort()).toEqual([
      'alice@example.org',
      'gus@example.org',
    ]);
    expect(entries.every((e) => e.source.kind === 'gnupg')).toBe(true);
    const [gus] = await ring.keysForEmail('gus@example.org');
    expect(gus!.key.getFingerprint().toUpperCase()).toBe(await gpg.fingerprint('gus@example.org'));
    await checkKey(gus!.key, { purpose: 'encrypt', address: 'gus@example.org' });
  });
});

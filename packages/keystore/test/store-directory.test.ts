// The store base both the keyring and the certificate store stand on: 0700 directory, 0600
// files, atomic writes, a versioned index, fingerprints checked before they become names.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirPaths, defaultDataDir, Keyring } from '../src/index.js';
import { StoreDirectory } from '../src/store-directory.js';

const LAYOUT = {
  items: 'things',
  extension: '.txt',
  indexKey: 'things',
  fingerprint: /^[0-9a-f]{8}$/,
  label: 'test store',
};
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-store-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('StoreDirectory', () => {
  it('writes 0600 files in a 0700 directory, leaves no temporary files, and keeps the index', async () => {
    const path = join(dir, 'a');
    const store = await StoreDirectory.open<{ n: number }>(path, LAYOUT);
    await store.put('0123abcd', 'hello', { n: 1 });
    expect((await stat(path)).mode & 0o777).toBe(0o700);
    expect((await stat(join(path, 'things'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(path, 'things', '0123abcd.txt'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(path, 'index.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(path, 'things'))).toEqual(['0123abcd.txt']);
    expect(JSON.parse(await readFile(join(path, 'index.json'), 'utf8'))).toEqual({
      version: 1,
      things: { '0123abcd': { n: 1 } },
    });
    const again = await StoreDirectory.open<{ n: number }>(path, LAYOUT);
    expect(again.list()).toEqual([{ n: 1 }]);
    expect(await again.readItem('0123abcd', 'repair it')).toBe('hello');
    expect(await again.delete('0123abcd')).toBe(true);
    expect(await readdir(join(path, 'things'))).toEqual([]);
  });

  it('never builds a path from a malformed fingerprint', async () => {
    const store = await StoreDirectory.open<{ n: number }>(join(dir, 'b'), LAYOUT);
    expect(store.entry('../../etc/passwd')).toBeUndefined();
    expect(await store.delete('../index')).toBe(false);
    await expect(store.put('../x', 'data', { n: 1 })).rejects.toMatchObject({
      code: 'EINTERNAL',
    });
  });

  it('refuses a damaged or unknown index with EIO, for the keyring too', async () => {
    const path = join(dir, 'c');
    await StoreDirectory.open(path, LAYOUT);
    await writeFile(join(path, 'index.json'), '{"version": 2, "things": {}}');
    await expect(StoreDirectory.open(path, LAYOUT)).rejects.toMatchObject({ code: 'EIO' });
    const ring = join(dir, 'ring');
    await Keyring.open(ring);
    await writeFile(join(ring, 'index.json'), '{ not json');
    await expect(Keyring.open(ring)).rejects.toMatchObject({ code: 'EIO' });
  });

  it('keeps the keyring format: keys/<FINGERPRINT>.asc and index.json "keys"', async () => {
    const key = await pgp.generateKey({ userIds: [{ email: 'x@example.org' }] });
    const ring = await Keyring.open(join(dir, 'format'));
    await ring.add(key.publicKey, { kind: 'file', obtainedAt: '2026-01-01T00:00:00Z' });
    const index = JSON.parse(await readFile(join(dir, 'format', 'index.json'), 'utf8'));
    expect(Object.keys(index.keys)).toEqual([key.fingerprint]);
    expect(await readdir(join(dir, 'format', 'keys'))).toEqual([`${key.fingerprint}.asc`]);
  });
});

describe('the default data directory', () => {
  it('is $XDG_DATA_HOME/sealpost, else ~/.local/share/sealpost, with pgp/ and certs/ below', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x/data', HOME: '/home/me' })).toBe(
      join('/x/data', 'sealpost'),
    );
    expect(defaultDataDir({ XDG_DATA_HOME: '', HOME: '/home/me' })).toBe(
      join('/home/me', '.local', 'share', 'sealpost'),
    );
    expect(dataDirPaths('/d')).toEqual({
      root: '/d',
      pgp: join('/d', 'pgp'),
      certs: join('/d', 'certs'),
    });
  });
});

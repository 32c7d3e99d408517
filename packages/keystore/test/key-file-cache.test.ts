// KeyFileCache with resolveRecipientKeys, a keyring and a signing key on disk: a file is parsed
// once while it is unchanged, a replaced or rewritten file is picked up on the next call, a
// failed parse is not kept, and the cache holds at most maxEntries files.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyFileCache, Keyring, loadSigningKey, resolveRecipientKeys } from '../src/index.js';

let dir: string;
let alice: pgp.GeneratedKey;
let alice2: pgp.GeneratedKey;
let me: pgp.GeneratedKey;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-key-cache-'));
  [alice, alice2, me] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fingerprints = (keys: Awaited<ReturnType<typeof resolveRecipientKeys>>) =>
  (keys.recipients.get('alice@example.org') ?? []).map((k) => k.fingerprint);

describe('KeyFileCache', () => {
  it('parses an unchanged key file once and picks up a file renamed over it', async () => {
    const path = join(dir, 'alice.asc');
    await writeFile(path, alice.armoredPublicKey);
    const cache = new KeyFileCache();
    const sources = { files: [path], keyringDir: join(dir, 'data'), cache };
    const first = await resolveRecipientKeys(['alice@example.org'], sources);
    const second = await resolveRecipientKeys(['alice@example.org'], sources);
    expect(fingerprints(first)).toEqual([alice.fingerprint.toLowerCase()]);
    // The same parsed key object: nothing was read or parsed again.
    expect(second.recipients.get('alice@example.org')![0]!.material).toBe(
      first.recipients.get('alice@example.org')![0]!.material,
    );

    // A key rotation as tools do it: write a new file, rename it over the old one.
    await writeFile(`${path}.new`, alice2.armoredPublicKey);
    await rename(`${path}.new`, path);
    const rotated = await resolveRecipientKeys(['alice@example.org'], sources);
    expect(fingerprints(rotated)).toEqual([alice2.fingerprint.toLowerCase()]);
  });

  it('picks up a key file rewritten in place and a key added to the keyring', async () => {
    const path = join(dir, 'rewritten.asc');
    await writeFile(path, alice.armoredPublicKey);
    const cache = new KeyFileCache();
    const keyringDir = join(dir, 'data-2');
    const sources = { files: [path], keyringDir, cache };
    expect(fingerprints(await resolveRecipientKeys(['alice@example.org'], sources))).toEqual([
      alice.fingerprint.toLowerCase(),
    ]);
    await writeFile(path, alice2.armoredPublicKey); // same inode, new size and mtime
    expect(fingerprints(await resolveRecipientKeys(['alice@example.org'], sources))).toEqual([
      alice2.fingerprint.toLowerCase(),
    ]);

    // A key imported into the keyring by another process: the index changes on disk.
    const other = await Keyring.open(join(keyringDir, 'pgp'));
    await other.add(await pgp.readPublicKey(alice.armoredPublicKey), {
      kind: 'file',
      obtainedAt: new Date().toISOString(),
    });
    expect(fingerprints(await resolveRecipientKeys(['alice@example.org'], sources))).toEqual([
      alice2.fingerprint.toLowerCase(),
      alice.fingerprint.toLowerCase(),
    ]);
  });

  it('reloads a replaced signing key; a broken file fails every call until it is repaired', async () => {
    const path = join(dir, 'me.sec.asc');
    await writeFile(path, me.armoredPrivateKey);
    const cache = new KeyFileCache();
    let loads = 0;
    const load = () => {
      loads += 1;
      return loadSigningKey(path);
    };
    const a = await cache.read(path, 'signing key', load);
    const b = await cache.read(path, 'signing key', load);
    expect(b).toBe(a);
    expect(loads).toBe(1);

    await writeFile(path, 'not a key\n');
    await expect(cache.read(path, 'signing key', load)).rejects.toMatchObject({
      code: 'EKEY_FILE',
    });
    await expect(cache.read(path, 'signing key', load)).rejects.toMatchObject({
      code: 'EKEY_FILE',
    });
    expect(loads).toBe(3);

    await writeFile(path, me.armoredPrivateKey);
    expect((await cache.read(path, 'signing key', load)).fingerprint).toBe(a.fingerprint);
    expect(loads).toBe(4);
  });

  it('keeps at most maxEntries files, dropping the least recently used', async () => {
    const cache = new KeyFileCache({ maxEntries: 2 });
    const paths = await Promise.all(
      ['a', 'b', 'c'].map(async (name) => {
        const path = join(dir, `${name}.txt`);
        await writeFile(path, name);
        return path;
      }),
    );
    const parsed: string[] = [];
    const read = (path: string) =>
      cache.read(path, 'text', async () => {
        parsed.push(path);
        return path;
      });
    await read(paths[0]!);
    await read(paths[1]!);
    await read(paths[0]!); // a is now the most recently used
    await read(paths[2]!); // drops b
    expect(cache.size).toBe(2);
    await read(paths[0]!);
    await read(paths[1]!);
    expect(parsed).toEqual([paths[0], paths[1], paths[2], paths[1]]);
  });
});

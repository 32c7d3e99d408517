import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRecipientKeys } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import {
  createGnupgHome,
  type GnupgHome,
  sharedTestCa,
  startWkdServer,
  type TestCa,
  type WkdServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let ca: TestCa;
let alice: pgp.GeneratedKey;
let gnupg: GnupgHome;
let server: WkdServer;

/** The binary, without blocking this process (the VKS server here must keep answering). */
function sealpost(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return runCli(args, { cwd: dir, env: { ...env, ...extraEnv } });
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'sealpost-keys-bin-'));
  env = { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), NO_COLOR: '1' };
  ca = await sharedTestCa();
  alice = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
  await writeFile(join(dir, 'alice.asc'), alice.armoredPublicKey);
  await writeFile(join(dir, 'pass.txt'), 'my secret words\n');
  await writeFile(join(dir, 'ca.pem'), ca.certPem);
  const bob = await ca.issueEmailCertificate('bob@example.org', { keyType: 'ec-p256' });
  await writeFile(join(dir, 'bob.pem'), bob.certPem);
  gnupg = await createGnupgHome();
  server = await startWkdServer({ hosts: ['localhost'] });
  server.publish(
    'localhost',
    '/vks/v1/by-email/carol%40example.org',
    (await pgp.generateKey({ userIds: [{ email: 'carol@example.org' }] })).publicKey.write(),
  );
});

afterAll(async () => {
  await server?.close();
  await gnupg?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sealpost keys and certs, as a binary', () => {
  it('prints help for both commands', async () => {
    for (const command of ['keys', 'certs']) {
      const result = await sealpost([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: sealpost ${command} `));
      expect(result.stdout).toContain('Examples:');
    }
  });

  it('generates a key GnuPG accepts, in the default keyring under XDG_DATA_HOME', async () => {
    const generated = await sealpost([
      'keys',
      'generate',
      'me@example.net',
      '--out',
      'me.sec.asc',
      '--passphrase-file',
      'pass.txt',
      '--json',
    ]);
    expect(generated.code, generated.stderr).toBe(0);
    const { key } = JSON.parse(generated.stdout);
    expect(key).toMatchObject({
      addresses: ['me@example.net'],
      protected: true,
      keyring: join(dir, 'data', 'sealpost', 'pgp'),
    });
    expect((await stat(join(dir, 'me.sec.asc'))).mode & 0o777).toBe(0o600);
    // gpg imports the protected secret key with the same passphrase.
    await gnupg.ok(['--import', join(dir, 'me.sec.asc')], { passphrase: 'my secret words' });
    expect(await gnupg.fingerprint('me@example.net')).toBe(key.fingerprint);
    const secret = await gnupg.ok(['--with-colons', '--list-secret-keys', key.fingerprint]);
    expect(new TextDecoder().decode(secret.stdout)).toMatch(/^sec:/m);
  });

  it('imports, lists and exports; gpg reads the export; resolveRecipientKeys finds what the CLI stored', async () => {
    const imported = await sealpost(['keys', 'import', 'alice.asc', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout).imported[0]).toMatchObject({
      fingerprint: alice.fingerprint,
      usable: true,
    });
    const listed = JSON.parse((await sealpost(['keys', 'list', '--json'])).stdout);
    expect(listed.keys.map((k: { addresses: string[] }) => k.addresses[0]).sort()).toEqual([
      'alice@example.org',
      'me@example.net',
    ]);
    const exported = await sealpost(['keys', 'export', 'alice@example.org']);
    expect(exported.code).toBe(0);
    await gnupg.importKeys(exported.stdout);
    expect(await gnupg.fingerprint('alice@example.org')).toBe(alice.fingerprint);

    const keys = await resolveRecipientKeys(['alice@example.org'], {
      keyringDir: join(dir, 'data', 'sealpost'),
    });
    expect(keys.recipients.get('alice@example.org')?.map((k) => k.source)).toEqual(['keyring']);
  });

  it('discovers a key on a key server, shows its source and imports it', async () => {
    const vks = `https://localhost:${server.port}`;
    const trust = { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') };
    const found = await sealpost(
      [
        'keys',
        'discover',
        'carol@example.org',
        '--method',
        'vks',
        '--vks-url',
        vks,
        '--import',
        '--json',
      ],
      trust,
    );
    expect(found.code, found.stderr).toBe(0);
    const doc = JSON.parse(found.stdout);
    expect(doc).toMatchObject({
      ok: true,
      address: 'carol@example.org',
      failures: [],
      found: [
        {
          method: 'vks',
          usable: true,
          source: { kind: 'vks', location: `${vks}/vks/v1/by-email/carol%40example.org` },
        },
      ],
    });
    expect(doc.imported).toEqual([doc.found[0].fingerprint]);
    const listed = JSON.parse(
      (await sealpost(['keys', 'list', 'carol@example.org', '--json'])).stdout,
    );
    expect(listed.keys[0].source.kind).toBe('vks');

    const missing = await sealpost(
      ['keys', 'discover', 'nobody@example.org', '--method', 'vks', '--vks-url', vks, '--json'],
      trust,
    );
    expect(missing.code).toBe(5);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, found: [], imported: [] });
  });

  it('imports a certificate and an anchor, lists them and checks the chain', async () => {
    const imported = await sealpost(['certs', 'import', 'bob.pem', '--anchor', 'ca.pem', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const listed = JSON.parse((await sealpost(['certs', 'list', '--json'])).stdout);
    expect(listed.store).toBe(join(dir, 'data', 'sealpost', 'certs'));
    expect(listed.certs.map((c: { role: string }) => c.role).sort()).toEqual([
      'anchor',
      'certificate',
    ]);
    const checked = await sealpost(['certs', 'check', 'bob@example.org', '--json']);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout).results[0]).toMatchObject({ ok: true, from: 'certstore' });
    expect(JSON.parse(checked.stdout).results[0].chain).toHaveLength(2);
    const refused = await sealpost(['certs', 'check', 'nobody@example.org']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('no certificate');
  });
});

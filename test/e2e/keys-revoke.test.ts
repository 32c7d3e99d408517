// `sealpost keys revoke` and `keys import FILE.rev`, as a binary: the revocation certificate
// `keys generate` (or GnuPG) wrote is applied to the keyring copy; list shows the key revoked and
// send will not encrypt to it. A certificate for another key, or none, changes nothing.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRecipientKeys } from '@sealpost/keystore';
import { createGnupgHome, type GnupgHome } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

let dir: string;
let gnupg: GnupgHome;

function sealpost(args: readonly string[]) {
  return runCli(args, {
    cwd: dir,
    env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') },
  });
}

async function generate(address: string, out: string): Promise<string> {
  const r = await sealpost(['keys', 'generate', address, '--out', out, '--unprotected', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).key.fingerprint;
}

async function listed(selector: string): Promise<{ usable: boolean; problem?: { code: string } }> {
  const r = await sealpost(['keys', 'list', selector, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).keys[0];
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'sealpost-keys-revoke-'));
  gnupg = await createGnupgHome();
});

afterAll(async () => {
  await gnupg?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sealpost keys revoke', () => {
  it('applies the .rev that generate wrote; list shows it revoked; send refuses to encrypt to it', async () => {
    const fingerprint = await generate('rev@example.org', 'rev.sec.asc');
    expect(await listed('rev@example.org')).toMatchObject({ usable: true });

    const revoked = await sealpost(['keys', 'revoke', 'rev@example.org']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`${fingerprint}  not usable: EKEY_REVOKED`);
    expect(revoked.stdout).toContain(`Revoked with ${join(dir, 'rev.sec.asc.rev')}`);
    expect(await listed(fingerprint)).toMatchObject({
      usable: false,
      problem: { code: 'EKEY_REVOKED' },
    });

    const send = await sealpost([
      'send',
      '--from',
      'me@example.org',
      '--to',
      'rev@example.org',
      '--subject',
      'x',
      '--text',
      'x',
      '--encrypt',
      'pgp',
      '--dry-run',
    ]);
    expect(send.code).toBe(3);
    expect(send.stdout + send.stderr).toContain(`The key ${fingerprint} has been revoked`);
    const keys = await resolveRecipientKeys(['rev@example.org'], {
      keyringDir: join(dir, 'data', 'sealpost'),
    });
    expect(keys.recipients.get('rev@example.org')).toBeUndefined();
    expect(keys.rejected.get('rev@example.org')?.map((k) => k.code)).toEqual(['EKEY_REVOKED']);
  });

  it('keys import of a .rev file applies it to the matching key instead of failing', async () => {
    const fingerprint = await generate('imp@example.org', 'imp.sec.asc');
    const imported = await sealpost(['keys', 'import', 'imp.sec.asc.rev', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout).imported[0]).toMatchObject({
      fingerprint,
      usable: false,
      problem: { code: 'EKEY_REVOKED' },
    });
    expect(imported.stderr).toContain(`revocation certificate applied to ${fingerprint}`);
    expect(await listed('imp@example.org')).toMatchObject({ usable: false });
  });

  it('applies the revocation certificate GnuPG keeps in openpgp-revocs.d (":"-guarded armor)', async () => {
    await gnupg.ok([
      '--quick-gen-key',
      '--passphrase',
      '',
      'gpg@example.org',
      'ed25519',
      'default',
    ]);
    const fingerprint = await gnupg.fingerprint('gpg@example.org');
    await writeFile(join(dir, 'gpg.asc'), await gnupg.exportKey('gpg@example.org'));
    expect((await sealpost(['keys', 'import', 'gpg.asc'])).code).toBe(0);
    const revocs = join(gnupg.home, 'openpgp-revocs.d');
    const [file] = (await readdir(revocs)).filter((f) => f.startsWith(fingerprint));
    const text = await readFile(join(revocs, file!), 'utf8');
    expect(text).toContain(':-----BEGIN PGP PUBLIC KEY BLOCK-----');
    await writeFile(join(dir, 'gpg.rev'), text);
    const r = await sealpost([
      'keys',
      'revoke',
      `0x${fingerprint.slice(-16)}`,
      '--revocation',
      'gpg.rev',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(await listed('gpg@example.org')).toMatchObject({ problem: { code: 'EKEY_REVOKED' } });
  });

  it('refuses a certificate of another key, one for a key not in the keyring, and a file without one', async () => {
    const mine = await generate('mine@example.org', 'mine.sec.asc');
    const other = join(dir, 'other');
    await runCli(
      ['keys', 'generate', 'other@example.org', '--out', 'other.sec.asc', '--unprotected'],
      {
        cwd: dir,
        env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: other },
      },
    );
    const wrong = await sealpost(['keys', 'revoke', mine, '--revocation', 'other.sec.asc.rev']);
    expect(wrong.code).toBe(5);
    expect(wrong.stderr).toContain('EKEY_REVOCATION');
    expect(wrong.stderr).toContain(`does not verify against the key ${mine}`);
    expect(await listed(mine)).toMatchObject({ usable: true });

    const absent = await sealpost(['keys', 'import', 'other.sec.asc.rev']);
    expect(absent.code).toBe(5);
    expect(absent.stderr).toContain('EKEY_REVOCATION');
    expect(absent.stderr).toContain('which is not in the keyring: import the public key first');

    await writeFile(join(dir, 'not-a-rev.txt'), 'hello\n');
    const none = await sealpost(['keys', 'revoke', mine, '--revocation', 'not-a-rev.txt']);
    expect(none.code).toBe(5);
    expect(none.stderr).toContain('holds no revocation certificate');

    const unknown = await sealpost(['keys', 'revoke', 'nobody@example.org']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('EKEY_NOT_FOUND');

    // A key imported from a public key file has no .rev beside it: say how to give one.
    const exported = await runCli(['keys', 'export', 'other@example.org', '--out', 'other.asc'], {
      cwd: dir,
      env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: other },
    });
    expect(exported.code, exported.stderr).toBe(0);
    expect((await sealpost(['keys', 'import', 'other.asc'])).code).toBe(0);
    const noFile = await sealpost(['keys', 'revoke', 'other@example.org']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('give it with --revocation FILE.rev');
  });
});

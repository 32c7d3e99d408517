// Naming keys and the texts around them, as a binary: long key IDs and 0x forms select keys,
// an ambiguous name is refused with the matches, `keys list` shows user-ID names and gpg-style
// algorithm names, and the error texts say what is wrong (an address is not a fingerprint, a
// public key is not a secret key, a certificate without an anchor is not "no key").
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOB,
  createRecipientFixtures,
  type RecipientFixtures,
} from '../fixtures/recipient-fixtures.js';
import { assertBuilt, runCli } from './run-cli.js';

let dir: string;
let fx: RecipientFixtures;
let v4: string;
let v6: string;

function sealpost(args: readonly string[]) {
  return runCli(args, {
    cwd: dir,
    env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') },
  });
}

async function fingerprints(args: readonly string[]): Promise<string[]> {
  const r = await sealpost([...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).keys.map((k: { fingerprint: string }) => k.fingerprint);
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'sealpost-keys-select-'));
  fx = await createRecipientFixtures();
  for (const [address, type] of [
    ['v4@example.org', 'ecc'],
    ['v6@example.org', 'v6'],
  ] as const) {
    const r = await sealpost([
      'keys',
      'generate',
      address,
      '--name',
      'Ada Lovelace',
      '--type',
      type,
      '--out',
      `${type}.sec.asc`,
      '--unprotected',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    if (type === 'ecc') v4 = JSON.parse(r.stdout).key.fingerprint;
    else v6 = JSON.parse(r.stdout).key.fingerprint;
  }
  // Two keys for one address: only a fingerprint or key ID names one of them.
  for (const name of ['twin-a', 'twin-b']) {
    const key = await pgp.generateKey({ userIds: [{ email: 'twin@example.org' }] });
    await writeFile(join(dir, `${name}.asc`), key.armoredPublicKey);
    expect((await sealpost(['keys', 'import', `${name}.asc`])).code).toBe(0);
  }
}, 90_000);

afterAll(async () => {
  await fx?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('naming keys', () => {
  it('selects by long key ID (v4: low 64 bits, v6: high 64 bits), 0x forms and spaced fingerprints', async () => {
    expect(await fingerprints(['keys', 'list', v4.slice(-16)])).toEqual([v4]);
    expect(await fingerprints(['keys', 'list', `0x${v4.slice(-16).toLowerCase()}`])).toEqual([v4]);
    expect(await fingerprints(['keys', 'list', v6.slice(0, 16)])).toEqual([v6]);
    expect(await fingerprints(['keys', 'list', `0x${v6}`])).toEqual([v6]);
    const spaced = v4.match(/.{4}/g)!.join(' ');
    expect(await fingerprints(['keys', 'list', spaced])).toEqual([v4]);
    const exported = await sealpost(['keys', 'export', `0x${v4.slice(-16)}`, '--json']);
    expect(
      JSON.parse(exported.stdout).keys.map((k: { fingerprint: string }) => k.fingerprint),
    ).toEqual([v4]);
  });

  it('refuses a short key ID, and an ambiguous address for remove, listing the matches', async () => {
    const short = await sealpost(['keys', 'list', v4.slice(-8)]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('long key ID (16 hex digits');

    const twins = await fingerprints(['keys', 'list', 'twin@example.org']);
    expect(twins).toHaveLength(2);
    const ambiguous = await sealpost(['keys', 'remove', 'twin@example.org']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('EKEY_AMBIGUOUS');
    for (const fp of twins) expect(ambiguous.stderr).toContain(fp);
    expect(await fingerprints(['keys', 'list', 'twin@example.org'])).toHaveLength(2);

    const one = await sealpost(['keys', 'remove', `0x${twins[0]!.slice(-16)}`]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`removed ${twins[0]}`);
    const byAddress = await sealpost(['keys', 'remove', 'twin@example.org']);
    expect(byAddress.code, byAddress.stderr).toBe(0);
    expect(byAddress.stdout).toContain(`removed ${twins[1]}`);
  });

  it('keys remove ADDRESS of an unknown address does not call it a fingerprint', async () => {
    const r = await sealpost(['keys', 'remove', 'nobody@example.org']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      'No key in the keyring for "nobody@example.org"; nothing was removed',
    );
    expect(r.stderr).not.toContain('fingerprint');
  });
});

describe('keys list', () => {
  it('shows user-ID names and gpg-style algorithm names', async () => {
    const r = await sealpost(['keys', 'list', 'v4@example.org']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  Ada Lovelace <v4@example.org>');
    expect(r.stdout).toContain('  ed25519/cv25519, v4, created ');
    const v6List = await sealpost(['keys', 'list', 'v6@example.org', '--json']);
    expect(JSON.parse(v6List.stdout).keys[0]).toMatchObject({
      names: ['Ada Lovelace'],
      algorithm: 'ed25519',
      encryptionAlgorithm: 'cv25519',
      version: 6,
    });
  });

  it('names RSA keys the way gpg does (rsa3072)', async () => {
    const rsa = await pgp.generateKey({ userIds: [{ email: 'rsa@example.org' }], type: 'rsa' });
    await writeFile(join(dir, 'rsa.asc'), rsa.armoredPublicKey);
    expect((await sealpost(['keys', 'import', 'rsa.asc'])).code).toBe(0);
    const r = await sealpost(['keys', 'list', 'rsa@example.org']);
    expect(r.stdout).toMatch(/ {2}rsa\d{4}\/rsa\d{4}, v4, created /);
  }, 60_000);
});

describe('error texts that said the wrong thing', () => {
  it('decrypt --key PUBLIC.asc names gpg --export-secret-keys', async () => {
    const r = await sealpost([
      'decrypt',
      fx.files['pgp-encrypted.eml'],
      '--key',
      fx.files['bob.asc'],
    ]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('EKEY_FILE');
    expect(r.stderr).toContain('gpg --export-secret-keys --armor');
  });

  it('a certificate refused for want of an anchor says so and names --anchor (certs check, send)', async () => {
    expect((await sealpost(['certs', 'import', fx.files['bob-smime.pem']])).code).toBe(0);
    const check = await sealpost(['certs', 'check', BOB]);
    expect(check.code).toBe(5);
    expect(check.stdout).toContain('refused: ESMIME_CERT_UNTRUSTED');
    expect(check.stdout).toContain('--anchor FILE');
    expect(check.stderr).toMatch(/^error ESMIME_CERT_UNTRUSTED: no certificate for/);

    const send = await sealpost([
      'send',
      '--from',
      'v4@example.org',
      '--to',
      BOB,
      '--subject',
      'x',
      '--text',
      'x',
      '--encrypt',
      'smime',
      '--dry-run',
      '--json',
    ]);
    expect(send.code).toBe(3);
    const [refused] = JSON.parse(send.stdout).error.details.refused;
    expect(refused.reason).toContain('the certificate was found but no trust anchor of yours');
    expect(refused.reason).toContain('"sealpost certs import --anchor FILE"');

    const anchored = await sealpost(['certs', 'check', BOB, '--anchor', fx.files['ca.pem']]);
    expect(anchored.code, anchored.stderr).toBe(0);
  });

  it('certs check of an unknown address prints the code', async () => {
    const r = await sealpost(['certs', 'check', 'nobody@example.org']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error EKEY_NOT_FOUND: no certificate for "nobody@example\.org"/);
  });
});

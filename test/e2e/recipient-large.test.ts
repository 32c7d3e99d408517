// `sealpost decrypt --out` / `verify` of a message above the 8 MiB threshold (issue 12): opened
// as a stream through a private temporary directory, the same inner message as the in-memory
// path, nothing written when a check fails, and no temporary file left on any exit.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as pgp from '@sealpost/pgp';
import { NO_KEYS, openMessage } from '@sealpost/pipeline/recipient';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGP_LIBRARY, recordLoads, SMIME_LIBRARIES } from './record-loads.js';
import { assertBuilt, bin, runCli } from './run-cli.js';
import { writeTampered } from './tamper.js';
import { Workplace } from './workplace.js';

let alice: pgp.GeneratedKey;
let me: pgp.GeneratedKey;
const place = new Workplace();
const { file, spoolBase, env, fresh, spoolIsEmpty } = place;

async function build(out: string, flags: string[]) {
  const r = await runCli(
    [
      'send',
      '--from',
      'me@example.net',
      '--to',
      'alice@example.org',
      '--subject',
      'Large',
      '--text',
      'See the attachment.',
      '--attach',
      file('big.bin'),
      '--sign',
      'pgp',
      '--sign-key',
      file('me.sec.asc'),
      ...flags,
      '--dry-run',
      '--out',
      out,
    ],
    { env: env(), timeoutMs: 120_000 },
  );
  expect(r.code, r.stderr).toBe(0);
}

const tampered = (path: string, marker: string, back: number) =>
  writeTampered(path, marker, back, fresh('tampered'));

beforeAll(async () => {
  assertBuilt();
  place.create('sealpost-recipient-large-');
  [alice, me] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
  ]);
  writeFileSync(file('alice.asc'), alice.armoredPublicKey);
  writeFileSync(file('alice.sec.asc'), alice.armoredPrivateKey);
  writeFileSync(file('me.asc'), me.armoredPublicKey);
  writeFileSync(file('me.sec.asc'), me.armoredPrivateKey);
  // 7 MiB of attachment: ~10 MiB signed, ~13 MiB signed and encrypted (armor of base64).
  writeFileSync(file('big.bin'), randomBytes(7 * 1024 * 1024));
  await build(file('signed-encrypted.eml'), ['--encrypt', 'pgp', '--key', file('alice.asc')]);
  await build(file('signed.eml'), ['--encrypt', 'none']);
  for (const name of ['signed-encrypted.eml', 'signed.eml']) {
    expect(statSync(file(name)).size).toBeGreaterThan(8 * 1024 * 1024);
    expect(statSync(file(name)).size).toBeLessThan(30 * 1024 * 1024);
  }
}, 180_000);

afterAll(() => place.remove());

const keys = () => ({
  ...NO_KEYS,
  pgpPrivateKeys: [alice.privateKey],
  pgpPublicKeys: [me.publicKey],
});

describe('decrypt / verify above the large-message threshold', () => {
  it('decrypt --out writes what the in-memory path gives, 0600, and leaves no temporary file', async () => {
    const out = fresh('inner');
    const r = await runCli(
      [
        'decrypt',
        file('signed-encrypted.eml'),
        '--key',
        file('alice.sec.asc'),
        '--verify-key',
        file('me.asc'),
        '--out',
        out,
      ],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('sealpost decrypt: decrypted; signature valid');
    const expected = await openMessage(
      new Uint8Array(readFileSync(file('signed-encrypted.eml'))),
      keys(),
    );
    expect(readFileSync(out).equals(Buffer.from(expected.message))).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    spoolIsEmpty();
  }, 120_000);

  it('verify checks the signature, prints no body without --out, and --json embeds none', async () => {
    const r = await runCli(['verify', file('signed.eml'), '--key', file('me.asc')], {
      env: env(),
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Inner message not shown');
    expect(r.stdout.length).toBeLessThan(4096);
    const out = fresh('verified');
    const json = await runCli(
      ['verify', file('signed.eml'), '--key', file('me.asc'), '--out', out, '--json'],
      {
        env: env(),
        timeoutMs: 120_000,
      },
    );
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ encrypted: false, out, signatures: [{ status: 'valid' }] });
    expect(doc.message).toBeUndefined();
    expect(json.stdout.length).toBeLessThan(16384);
    const expected = await openMessage(new Uint8Array(readFileSync(file('signed.eml'))), keys());
    expect(doc.messageSize).toBe(expected.message.length);
    expect(readFileSync(out).equals(Buffer.from(expected.message))).toBe(true);
    spoolIsEmpty();
  }, 120_000);

  it('loads openpgp.js but never pkijs, though S/MIME has a streamed side too', async () => {
    const record = recordLoads(place.dir);
    const r = await runCli(['verify', file('signed.eml'), '--key', file('me.asc')], {
      env: { ...env(), ...record.env },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const loaded = record.loaded();
    expect(loaded.some((f) => PGP_LIBRARY.test(f))).toBe(true);
    expect(loaded.filter((f) => SMIME_LIBRARIES.test(f) || /smime-open-stream/.test(f))).toEqual(
      [],
    );
  }, 120_000);

  it('a changed ciphertext fails the MDC: exit 5, no --out file, no temporary file', async () => {
    const bad = tampered(file('signed-encrypted.eml'), '-----END PGP MESSAGE-----', 4096);
    const out = fresh('never');
    const r = await runCli(['decrypt', bad, '--key', file('alice.sec.asc'), '--out', out], {
      env: env(),
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('EDECRYPT');
    expect(existsSync(out)).toBe(false);
    spoolIsEmpty();
  }, 120_000);

  it('a changed signed part is ESIGNATURE_INVALID: exit 5, no --out file, no temporary file', async () => {
    const bad = tampered(file('signed.eml'), '-----BEGIN PGP SIGNATURE-----', 8192);
    const out = fresh('never');
    const r = await runCli(['verify', bad, '--key', file('me.asc'), '--out', out], {
      env: env(),
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('ESIGNATURE_INVALID');
    expect(existsSync(out)).toBe(false);
    spoolIsEmpty();
  }, 120_000);

  it('decrypt without --out is EOUT_REQUIRED before any key is read; an existing --out is refused', async () => {
    const r = await runCli(
      ['decrypt', file('signed-encrypted.eml'), '--key', file('missing.asc')],
      { env: env() },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('EOUT_REQUIRED');
    const existing = fresh('existing');
    writeFileSync(existing, 'mine');
    const again = await runCli(
      ['decrypt', file('signed-encrypted.eml'), '--key', file('alice.sec.asc'), '--out', existing],
      { env: env() },
    );
    expect(again.code).not.toBe(0);
    expect(readFileSync(existing, 'utf8')).toBe('mine');
    spoolIsEmpty();
  }, 60_000);

  it('removes the temporary directory when killed with SIGTERM mid-decrypt', async () => {
    const out = fresh('killed');
    const child = spawn(
      bin,
      ['decrypt', file('signed-encrypted.eml'), '--key', file('alice.sec.asc'), '--out', out],
      { env: { PATH: process.env.PATH, ...env() }, stdio: 'ignore' },
    );
    const closed = once(child, 'close');
    const deadline = Date.now() + 60_000;
    while (readdirSync(spoolBase()).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGTERM');
    const [code, signal] = (await closed) as [number | null, string | null];
    // Killed while the temporary directory existed, or (on a fast machine) already done.
    if (code !== 0) expect(signal ?? code).toBe('SIGTERM');
    else expect(existsSync(out)).toBe(true);
    spoolIsEmpty();
  }, 90_000);
});

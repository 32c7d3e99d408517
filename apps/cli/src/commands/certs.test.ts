// `sealpost certs …` in-process through main(): the store, trust anchors and check results.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import { sharedTestCa, TestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../../test/run-main.js';

const DAY = 86_400_000;
let dir: string;
let ca: TestCa;
let bob: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;

function run(args: string[]) {
  return runMain(args, { cwd: dir });
}

const json = async (args: string[]) => {
  const result = await run([...args, '--json']);
  return { ...result, doc: JSON.parse(result.out) };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-cli-certs-'));
  ca = await sharedTestCa();
  const other = await TestCa.create({ name: 'Unknown CA' });
  bob = await ca.issueEmailCertificate('bob@example.org', { keyType: 'ec-p256' });
  const [old, stranger] = await Promise.all([
    ca.issueEmailCertificate('bob@example.org', {
      keyType: 'ec-p256',
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    }),
    other.issueEmailCertificate('eve@example.org', { keyType: 'ec-p256' }),
  ]);
  await writeFile(join(dir, 'ca.pem'), ca.certPem);
  await writeFile(join(dir, 'bob.pem'), bob.certPem);
  await writeFile(join(dir, 'bob.der'), bob.certDer);
  await writeFile(join(dir, 'old-bob.pem'), old.certPem);
  await writeFile(join(dir, 'eve.pem'), stranger.certPem);
  const key = await pgp.generateKey({ userIds: [{ email: 'bob@example.org' }] });
  await writeFile(join(dir, 'key.asc'), key.armoredPublicKey);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sealpost certs', () => {
  it('teaches with --help and refuses bad arguments with exit 2', async () => {
    const help = await run(['certs', '--help']);
    expect(help.code).toBe(0);
    for (const sub of ['import', 'list', 'check'])
      expect(help.out).toContain(`sealpost certs ${sub}`);
    expect(help.out).toContain('--anchor FILE');
    const keyring = ['--keyring', join(dir, 'args')];
    expect((await run(['certs', ...keyring])).code).toBe(2);
    expect((await run(['certs', 'import', ...keyring])).code).toBe(2);
    expect((await run(['certs', 'list', '--cert', 'x', ...keyring])).code).toBe(2);
    expect(
      (await run(['certs', 'check', 'bob@example.org', '--purpose', 'tls', ...keyring])).code,
    ).toBe(2);
  });

  it('imports certificates and anchors, lists them, and checks through the chain', async () => {
    const keyring = ['--keyring', join(dir, 'store')];
    const imported = await json([
      'certs',
      'import',
      'bob.pem',
      'old-bob.pem',
      '--anchor',
      'ca.pem',
      ...keyring,
    ]);
    expect(imported.code).toBe(0);
    expect(imported.doc.imported.map((c: { role: string }) => c.role)).toEqual([
      'certificate',
      'certificate',
      'anchor',
    ]);
    const listed = await json(['certs', 'list', 'BOB@example.org', ...keyring]);
    expect(listed.doc).toEqual({
      store: join(dir, 'store', 'certs'),
      certs: expect.arrayContaining([
        {
          fingerprint: bob.fingerprint256,
          subject: 'CN=bob@example.org',
          issuer: expect.stringContaining('CN=sealpost Test CA'),
          addresses: ['bob@example.org'],
          notBefore: expect.any(String),
          notAfter: expect.any(String),
          role: 'certificate',
          source: { kind: 'file', location: join(dir, 'bob.pem'), obtainedAt: expect.any(String) },
        },
      ]),
    });
    expect(listed.doc.certs).toHaveLength(2);
    const human = await run(['certs', 'list', ...keyring]);
    expect(human.out).toContain('trust anchor');
    expect(human.out).toContain('(expired)');

    const checked = await json(['certs', 'check', 'bob@example.org', ...keyring]);
    expect(checked.code).toBe(0);
    expect(checked.doc).toMatchObject({
      ok: true,
      address: 'bob@example.org',
      purpose: 'encrypt',
      anchors: 1,
    });
    const good = checked.doc.results.find((r: { ok: boolean }) => r.ok);
    expect(good).toEqual({
      fingerprint: bob.fingerprint256,
      subject: 'CN=bob@example.org',
      from: 'certstore',
      ok: true,
      chain: [
        { subject: 'CN=bob@example.org', fingerprint: bob.fingerprint256 },
        {
          subject: expect.stringContaining('CN=sealpost Test CA'),
          fingerprint: expect.any(String),
        },
      ],
    });
    expect(checked.doc.results.find((r: { ok: boolean }) => !r.ok)).toMatchObject({
      ok: false,
      code: 'ESMIME_CERT_EXPIRED',
      chain: [],
    });
    const text = await run(['certs', 'check', 'bob@example.org', ...keyring]);
    expect(text.out).toMatch(/usable to encrypt/);
    expect(text.out).toMatch(/chain: CN=bob@example.org\s+-> {2}CN=sealpost Test CA/);
  });

  it('exits 5 with the reason when no certificate can be used', async () => {
    const empty = ['--keyring', join(dir, 'empty')];
    const none = await json(['certs', 'check', 'bob@example.org', ...empty]);
    expect(none.code).toBe(5);
    expect(none.doc).toMatchObject({ ok: false, results: [] });
    const untrusted = await json([
      'certs',
      'check',
      'bob@example.org',
      '--cert',
      'bob.der',
      ...empty,
    ]);
    expect(untrusted.code).toBe(5);
    expect(untrusted.doc.results).toEqual([
      expect.objectContaining({ from: 'file', ok: false, code: 'ESMIME_CERT_UNTRUSTED' }),
    ]);
    const anchored = await json([
      'certs',
      'check',
      'bob@example.org',
      '--cert',
      'bob.der',
      '--anchor',
      'ca.pem',
      ...empty,
    ]);
    expect(anchored.code).toBe(0);
    const wrongAddress = await json([
      'certs',
      'check',
      'carol@example.org',
      '--cert',
      'bob.pem',
      '--anchor',
      'ca.pem',
      ...empty,
    ]);
    expect(wrongAddress.doc.results[0]).toMatchObject({ ok: false, code: 'ESMIME_CERT_ADDRESS' });
    const stranger = await json([
      'certs',
      'check',
      'eve@example.org',
      '--cert',
      'eve.pem',
      '--anchor',
      'ca.pem',
      ...empty,
    ]);
    expect(stranger.doc.results[0]).toMatchObject({ ok: false, code: 'ESMIME_CERT_UNTRUSTED' });
  });

  it('removes a trust anchor, after which its certificates are refused', async () => {
    const keyring = ['--keyring', join(dir, 'remove')];
    const imported = await json(['certs', 'import', 'bob.pem', '--anchor', 'ca.pem', ...keyring]);
    const anchor = imported.doc.imported.find((c: { role: string }) => c.role === 'anchor');
    expect((await run(['certs', 'check', 'bob@example.org', ...keyring])).code).toBe(0);
    const colons = anchor.fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    const removed = await json(['certs', 'remove', colons, ...keyring]);
    expect(removed.doc).toEqual({ ok: true, removed: [anchor.fingerprint] });
    const after = await json(['certs', 'check', 'bob@example.org', ...keyring]);
    expect(after.code).toBe(5);
    expect(after.doc.results[0]).toMatchObject({ ok: false, code: 'ESMIME_CERT_UNTRUSTED' });
    expect((await run(['certs', 'remove', 'ab'.repeat(32), ...keyring])).code).toBe(5);
  });

  it('sends OpenPGP keys to "keys import"', async () => {
    const result = await json(['certs', 'import', 'key.asc', '--keyring', join(dir, 'pgp-file')]);
    expect(result.code).toBe(5);
    expect(result.doc.error).toMatchObject({ code: 'EKEY_FILE' });
    expect(result.doc.error.message).toContain('sealpost keys import');
  });
});

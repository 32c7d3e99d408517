// `sealpost keys …` in-process through main(): argument handling, files, keyring, JSON shapes.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { discoverKeys } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import {
  createGnupgHome,
  type GnupgHome,
  sharedTestCa,
  startWkdServer,
  type WkdServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../../test/run-main.js';
import { main } from '../main.js';

const DAY = 86_400_000;
let dir: string;
let alice: pgp.GeneratedKey;
let carol: pgp.GeneratedKey;
let expired: pgp.GeneratedKey;

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runMain(args, { env, cwd: dir });
}

const json = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = await run([...args, '--json'], env);
  return { ...result, doc: JSON.parse(result.out) };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-cli-keys-'));
  [alice, carol, expired] = await Promise.all([
    pgp.generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'carol@example.org' }] }),
    pgp.generateKey({
      userIds: [{ email: 'old@example.org' }],
      date: new Date(Date.now() - 3 * DAY),
      expiresInSeconds: 3600,
    }),
  ]);
  await writeFile(join(dir, 'two.asc'), `${alice.armoredPublicKey}${carol.armoredPublicKey}`);
  await writeFile(join(dir, 'old.gpg'), expired.publicKey.write());
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sealpost keys: arguments', () => {
  it('teaches with --help: every sub-command, its flags and examples', async () => {
    const { code, out } = await run(['keys', '--help']);
    expect(code).toBe(0);
    for (const sub of ['generate', 'import', 'export', 'list', 'discover']) {
      expect(out).toContain(`sealpost keys ${sub}`);
    }
    expect(out).toContain('--passphrase-env VAR');
    expect(out).toContain('Examples:');
  });

  it('answers a missing or unknown sub-command, a foreign flag and bad values with exit 2', async () => {
    const keyring = ['--keyring', join(dir, 'kr-args')];
    expect((await run(['keys', ...keyring])).code).toBe(2);
    const unknown = await json(['keys', 'frob', ...keyring]);
    expect(unknown.code).toBe(2);
    expect(unknown.doc).toMatchObject({ ok: false, error: { code: 'EUSAGE' } });
    const foreign = await run(['keys', 'list', '--out', 'x', ...keyring]);
    expect(foreign.code).toBe(2);
    expect(foreign.err).toMatch(/--out does not apply to "sealpost keys list"/);
    expect((await run(['keys', 'generate', 'a@example.org', ...keyring])).code).toBe(2);
    expect(
      (await run(['keys', 'generate', 'a@example.org', '--out', 'k', '--type', 'dsa', ...keyring]))
        .code,
    ).toBe(2);
    expect(
      (await run(['keys', 'generate', 'not an address', '--out', 'k', '--unprotected', ...keyring]))
        .code,
    ).toBe(2);
    const secret = await run(['keys', 'generate', 'a@example.org', '--passphrase', 'hunter2']);
    expect(secret.code).toBe(2);
    expect(secret.err).not.toContain('hunter2');
  });
});

describe('sealpost keys generate', () => {
  it('writes a passphrase-protected secret key (0600) and imports the public key', async () => {
    const keyring = join(dir, 'kr-gen');
    const { code, doc } = await json(
      [
        'keys',
        'generate',
        'me@example.net',
        '--name',
        'Me Myself',
        '--out',
        'me.sec.asc',
        '--passphrase-env',
        'MY_PASS',
        '--expires',
        '30',
        '--keyring',
        keyring,
      ],
      { MY_PASS: 'a long passphrase' },
    );
    expect(code).toBe(0);
    expect(doc).toEqual({
      ok: true,
      key: {
        fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/),
        userIds: ['Me Myself <me@example.net>'],
        addresses: ['me@example.net'],
        names: ['Me Myself'],
        algorithm: 'ed25519',
        encryptionAlgorithm: 'cv25519',
        version: 4,
        created: expect.any(String),
        expires: expect.any(String),
        usable: true,
        source: { kind: 'file', location: join(dir, 'me.sec.asc'), obtainedAt: expect.any(String) },
        secretKeyFile: join(dir, 'me.sec.asc'),
        revocationFile: join(dir, 'me.sec.asc.rev'),
        protected: true,
        keyring: join(keyring, 'pgp'),
      },
    });
    expect(new Date(doc.key.expires).getTime() - Date.now()).toBeGreaterThan(29 * DAY);
    expect((await stat(join(dir, 'me.sec.asc'))).mode & 0o777).toBe(0o600);
    const armored = await readFile(join(dir, 'me.sec.asc'), 'utf8');
    expect(JSON.stringify(doc)).not.toContain('a long passphrase');
    await expect(pgp.readPrivateKey(armored)).rejects.toMatchObject({ code: 'EKEY_PASSPHRASE' });
    const unlocked = await pgp.readPrivateKey(armored, { passphrase: 'a long passphrase' });
    expect(unlocked.getFingerprint().toUpperCase()).toBe(doc.key.fingerprint);
    const listed = await json(['keys', 'list', 'me@example.net', '--keyring', keyring]);
    expect(listed.doc.keys.map((k: { fingerprint: string }) => k.fingerprint)).toEqual([
      doc.key.fingerprint,
    ]);
    // Never overwrites a key file.
    const again = await run([
      'keys',
      'generate',
      'me@example.net',
      '--out',
      'me.sec.asc',
      '--unprotected',
      '--keyring',
      keyring,
    ]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists');
  });

  it('asks twice on a terminal and refuses when the answers differ', async () => {
    const ask = async (answers: string, out: string) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      stdout.resume();
      stderr.resume();
      // One answer per prompt, written once a new prompt (readline) listens on stdin.
      const lines = answers.split('\n');
      let fed: unknown;
      const feeder = setInterval(() => {
        const listener = stdin.listeners('keypress')[0];
        if (listener === undefined || listener === fed) return;
        fed = listener;
        const line = lines.shift();
        if (line !== undefined) stdin.write(`${line}\n`);
      }, 5);
      try {
        return await main(
          ['keys', 'generate', 'tty@example.net', '--out', out, '--keyring', join(dir, 'kr-tty')],
          { stdout, stderr, stdin, env: {}, cwd: dir },
        );
      } finally {
        clearInterval(feeder);
      }
    };
    expect(await ask('first try\nsecond try', 'tty1.sec')).toBe(2);
    await expect(stat(join(dir, 'tty1.sec'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await ask('same words\nsame words', 'tty2.sec')).toBe(0);
    const armored = await readFile(join(dir, 'tty2.sec'), 'utf8');
    await expect(pgp.readPrivateKey(armored, { passphrase: 'same words' })).resolves.toBeTruthy();
  });

  it('refuses to store a secret key unprotected unless told so (no terminal to ask on)', async () => {
    const { code, err } = await run([
      'keys',
      'generate',
      'x@example.net',
      '--out',
      'x.sec',
      '--keyring',
      join(dir, 'kr-x'),
    ]);
    expect(code).toBe(2);
    expect(err).toMatch(/needs a passphrase/);
  });
});

describe('sealpost keys import, list, export', () => {
  it('imports several keys per file and binary keys, and lists usable or why not', async () => {
    const keyring = join(dir, 'kr-import');
    const imported = await json(['keys', 'import', 'two.asc', 'old.gpg', '--keyring', keyring]);
    expect(imported.code).toBe(0);
    expect(
      imported.doc.imported.map((k: { addresses: string[]; usable: boolean }) => [
        k.addresses[0],
        k.usable,
      ]),
    ).toEqual([
      ['alice@example.org', true],
      ['carol@example.org', true],
      ['old@example.org', false],
    ]);
    const listed = await json(['keys', 'list', '--keyring', keyring]);
    const old = listed.doc.keys.find((k: { addresses: string[] }) =>
      k.addresses.includes('old@example.org'),
    );
    expect(old).toMatchObject({ usable: false, problem: { code: 'EKEY_EXPIRED' } });
    expect(old.source).toMatchObject({ kind: 'file', location: join(dir, 'old.gpg') });
    const human = await run(['keys', 'list', '--keyring', keyring]);
    expect(human.out).toContain('not usable: EKEY_EXPIRED');
    expect(human.out).toContain(alice.fingerprint);
  });

  it('keeps only the public part of a secret key file it is given', async () => {
    const keyring = join(dir, 'kr-secret');
    await writeFile(join(dir, 'alice.sec.asc'), alice.armoredPrivateKey);
    const { code, doc } = await json(['keys', 'import', 'alice.sec.asc', '--keyring', keyring]);
    expect(code).toBe(0);
    expect(doc.imported[0].fingerprint).toBe(alice.fingerprint);
    const stored = await readFile(join(keyring, 'pgp', 'keys', `${alice.fingerprint}.asc`), 'utf8');
    expect(stored).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    expect(stored).not.toContain('PRIVATE');
  });

  it('exports armored public keys by address and by fingerprint', async () => {
    const keyring = join(dir, 'kr-export');
    await run(['keys', 'import', 'two.asc', '--keyring', keyring]);
    const byAddress = await run(['keys', 'export', 'ALICE@example.org', '--keyring', keyring]);
    expect(byAddress.code).toBe(0);
    const keys = await pgp.readKeys(byAddress.out);
    expect(keys.map((k) => k.getFingerprint().toUpperCase())).toEqual([alice.fingerprint]);
    expect(keys[0]!.isPrivate()).toBe(false);
    const spaced = carol.fingerprint.replace(/(.{4})/g, '$1 ').trim();
    const byFpr = await json(['keys', 'export', spaced, '--keyring', keyring]);
    expect(byFpr.doc).toEqual({
      ok: true,
      keys: [
        {
          fingerprint: carol.fingerprint,
          addresses: ['carol@example.org'],
          armored: expect.stringContaining('-----BEGIN PGP PUBLIC KEY BLOCK-----'),
        },
      ],
    });
    const toFile = await run(['keys', 'export', '--out', 'all.asc', '--keyring', keyring]);
    expect(toFile.code).toBe(0);
    expect(await pgp.readKeys(await readFile(join(dir, 'all.asc'), 'utf8'))).toHaveLength(1);
    const missing = await json(['keys', 'export', 'nobody@example.org', '--keyring', keyring]);
    expect(missing.code).toBe(5);
    expect(missing.doc.error.code).toBe('EKEY_NOT_FOUND');
    expect((await run(['keys', 'export', 'nonsense', '--keyring', keyring])).code).toBe(2);
  });

  it('removes keys by fingerprint or address, all or nothing', async () => {
    const keyring = join(dir, 'kr-remove');
    await run(['keys', 'import', 'two.asc', '--keyring', keyring]);
    const partial = await json([
      'keys',
      'remove',
      alice.fingerprint,
      'nobody@example.org',
      '--keyring',
      keyring,
    ]);
    expect(partial.code).toBe(5);
    expect(partial.doc.error.code).toBe('EKEY_NOT_FOUND');
    expect((await json(['keys', 'list', '--keyring', keyring])).doc.keys).toHaveLength(2);
    const removed = await json([
      'keys',
      'remove',
      alice.fingerprint.toLowerCase(),
      '--keyring',
      keyring,
    ]);
    expect(removed.doc).toEqual({ ok: true, removed: [alice.fingerprint] });
    const left = await json(['keys', 'list', '--keyring', keyring]);
    expect(left.doc.keys.map((k: { fingerprint: string }) => k.fingerprint)).toEqual([
      carol.fingerprint,
    ]);
  });

  it('sends certificates to "certs import" and fails loudly on unreadable files', async () => {
    const ca = await sharedTestCa();
    await writeFile(join(dir, 'ca.pem'), ca.certPem);
    const keyring = ['--keyring', join(dir, 'kr-bad')];
    const cert = await json(['keys', 'import', 'ca.pem', ...keyring]);
    expect(cert.code).toBe(5);
    expect(cert.doc.error).toMatchObject({ code: 'EKEY_FILE' });
    expect(cert.doc.error.message).toContain('sealpost certs import');
    expect((await run(['keys', 'import', 'missing.asc', ...keyring])).code).toBe(2);
    expect((await run(['keys', 'import', ...keyring])).code).toBe(2);
  });
});

describe('sealpost keys import --autocrypt', () => {
  const message = (from: string, key: pgp.GeneratedKey, addr: string) => {
    const keydata = pgp.formatAutocryptHeader(key.publicKey, addr).replace(/.{1,70}/g, '$&\r\n ');
    return [
      `From: ${from}`,
      'To: me@example.net',
      'Subject: hello',
      'Message-ID: <m1@example.org>',
      `Autocrypt: ${keydata.trimEnd()}`,
      '',
      'Hi!',
      '',
    ].join('\r\n');
  };

  it('keeps the key of a valid Autocrypt header as source "autocrypt", tried last by resolveRecipientKeys', async () => {
    const keyring = join(dir, 'kr-autocrypt');
    await writeFile(
      join(dir, 'from-carol.eml'),
      message('Carol <carol@example.org>', carol, 'carol@example.org'),
    );
    await writeFile(
      join(dir, 'spoofed.eml'),
      message('mallory@example.org', alice, 'alice@example.org'),
    );
    const { code, doc, err } = await json([
      'keys',
      'import',
      '--autocrypt',
      'from-carol.eml',
      'spoofed.eml',
      '--keyring',
      keyring,
    ]);
    expect(code).toBe(0);
    expect(doc.imported).toEqual([
      expect.objectContaining({
        fingerprint: carol.fingerprint,
        usable: true,
        source: expect.objectContaining({ kind: 'autocrypt', location: '<m1@example.org>' }),
      }),
    ]);
    expect(err).toMatch(
      /spoofed\.eml: ignored: no valid Autocrypt header for mallory@example\.org/,
    );
    const { resolveRecipientKeys } = await import('@sealpost/keystore');
    const keys = await resolveRecipientKeys(['carol@example.org'], { keyringDir: keyring });
    expect(keys.recipients.get('carol@example.org')?.map((k) => k.source)).toEqual(['autocrypt']);
  });

  it('never downgrades a key imported from a file to trust-on-first-use', async () => {
    const keyring = join(dir, 'kr-autocrypt-2');
    await run(['keys', 'import', 'two.asc', '--keyring', keyring]);
    await writeFile(
      join(dir, 'from-alice.eml'),
      message('alice@example.org', alice, 'alice@example.org'),
    );
    const { doc, err } = await json([
      'keys',
      'import',
      '--autocrypt',
      'from-alice.eml',
      '--keyring',
      keyring,
    ]);
    expect(doc.imported).toEqual([]);
    expect(err).toContain('kept as it is');
    const listed = await json(['keys', 'list', 'alice@example.org', '--keyring', keyring]);
    expect(listed.doc.keys[0].source.kind).toBe('file');
  });
});

describe('sealpost keys import --from-gnupg', () => {
  let gnupg: GnupgHome;
  beforeAll(async () => {
    gnupg = await createGnupgHome();
    await gnupg.importKeys(`${alice.armoredPublicKey}${carol.armoredPublicKey}`);
  });
  afterAll(async () => {
    await gnupg?.close();
  });

  it('copies all or selected public keys from a GnuPG home, with source "gnupg"', async () => {
    const keyring = join(dir, 'kr-gnupg');
    const { code, doc } = await json([
      'keys',
      'import',
      '--from-gnupg',
      '--gnupg-home',
      gnupg.home,
      'carol@example.org',
      '--keyring',
      keyring,
    ]);
    expect(code).toBe(0);
    expect(doc.imported).toEqual([
      expect.objectContaining({
        fingerprint: carol.fingerprint,
        usable: true,
        source: expect.objectContaining({ kind: 'gnupg', location: gnupg.home }),
      }),
    ]);
    const all = await json([
      'keys',
      'import',
      '--from-gnupg',
      '--gnupg-home',
      gnupg.home,
      '--keyring',
      keyring,
    ]);
    expect(all.doc.imported).toHaveLength(2);
  });
});

describe('keys discover (the lookup behind the command)', () => {
  let wkd: WkdServer;
  beforeAll(async () => {
    wkd = await startWkdServer({ unresolvable: ['openpgpkey.example.com', 'example.com'] });
    const url = new URL((await pgp.wkdUrls('alice@example.org')).advanced);
    wkd.publish(url.hostname, url.pathname, alice.publicKey.write());
    wkd.publish(
      'keys.example.net',
      '/vks/v1/by-email/old%40example.org',
      expired.publicKey.write(),
    );
  });
  afterAll(async () => {
    await wkd?.close();
  });

  it('shows each key found with its method, URL and whether it is usable', async () => {
    const found = await discoverKeys('alice@example.org', {
      methods: ['wkd', 'vks'],
      vksBaseUrl: 'https://keys.example.net',
      fetcher: wkd.fetcher,
      timeoutMs: 5000,
    });
    expect(found.found).toEqual([
      expect.objectContaining({
        method: 'wkd',
        fingerprint: alice.fingerprint,
        usable: true,
        source: expect.objectContaining({
          kind: 'wkd-advanced',
          location: expect.stringContaining('https://openpgpkey.example.org/.well-known/'),
        }),
      }),
    ]);
    const old = await discoverKeys('old@example.org', {
      methods: ['vks'],
      vksBaseUrl: 'https://keys.example.net',
      fetcher: wkd.fetcher,
    });
    expect(old.found).toEqual([
      expect.objectContaining({
        method: 'vks',
        usable: false,
        problem: expect.objectContaining({ code: 'EKEY_EXPIRED' }),
      }),
    ]);
    const none = await discoverKeys('erin@example.com', { methods: ['wkd'], fetcher: wkd.fetcher });
    expect(none.found).toEqual([]);
    expect(none.failures).toEqual([expect.objectContaining({ method: 'wkd', code: 'EDISCOVERY' })]);
  });

  it('checks its flags before asking anyone', async () => {
    const keyring = ['--keyring', join(dir, 'kr-disc')];
    expect(
      (await run(['keys', 'discover', 'a@example.org', '--method', 'ldap', ...keyring])).code,
    ).toBe(2);
    expect(
      (await run(['keys', 'discover', 'a@example.org', '--vks-url', 'http://x', ...keyring])).code,
    ).toBe(2);
    expect((await run(['keys', 'discover', ...keyring])).code).toBe(2);
  });
});

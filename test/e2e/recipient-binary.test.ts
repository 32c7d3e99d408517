// End-to-end: the built `sealpost` binary for inspect / decrypt / verify / probe, as a user or
// a script runs it (env limited to PATH + what each test sets), including messages made by gpg.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { joinMessage, parseEntity } from '@sealpost/compose';
import { encryptedWrapper } from '@sealpost/pgp';
import {
  createGnupgHome,
  type GnupgHome,
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOB,
  BODY,
  createRecipientFixtures,
  PASSPHRASE,
  type RecipientFixtures,
} from '../fixtures/recipient-fixtures.js';
import { bin, bundleEntry } from './run-cli.js';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Asynchronous on purpose: an embedded server in this process must keep answering. With Node
 * flags (a loader hook), the bundle runs under `node` directly: the launcher's start-up
 * snapshot loads no module files to record (decision 0143).
 */
function sealpost(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  nodeFlags: readonly string[] = [],
): Promise<Run> {
  const [command, argv] =
    nodeFlags.length > 0 ? [process.execPath, [...nodeFlags, bundleEntry, ...args]] : [bin, args];
  return new Promise((resolve) => {
    execFile(
      command,
      argv,
      { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => {
        const status = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/**
 * The files the binary loads for `args`, recorded by a module-loader hook (node --import): the
 * proof that a message of one scheme never loads the other scheme's library (decision 0065).
 */
async function loadedFiles(args: readonly string[]): Promise<string[]> {
  const hook = join(fx.dir, 'record-loads.mjs');
  const register = join(fx.dir, 'register-record-loads.mjs');
  const log = join(fx.dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(
    hook,
    [
      "import { appendFileSync } from 'node:fs';",
      'let log;',
      'export function initialize(data) { log = data.log; }',
      'export async function load(url, context, nextLoad) {',
      "  appendFileSync(log, url + '\\n');",
      '  return nextLoad(url, context);',
      '}',
    ].join('\n'),
  );
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)}, { data: { log: ${JSON.stringify(log)} } });\n`,
  );
  const r = await sealpost(args, { HOME: fx.dir }, ['--import', pathToFileURL(register).href]);
  expect(r.status, r.stderr).toBe(0);
  return (await readFile(log, 'utf8')).split('\n').filter((line) => line.length > 0);
}

// The binary is a bundle (docs/decisions/0110): openpgp.js and pkijs/asn1js live in chunks the
// build names after them (it refuses a chunk holding both); unbundled runs load node_modules.
const PGP_LIBRARY = /\/node_modules\/openpgp\/|\/openpgp-[A-Z0-9]{8}\.js$/;
const SMIME_LIBRARIES = /\/node_modules\/(pkijs|asn1js)\/|\/pkijs-[A-Z0-9]{8}\.js$/;

let fx: RecipientFixtures;
let gpg: GnupgHome;
let gpgMessage: string;
let carolKey: string;
let server: RunningSubmissionServer;
let caFile: string;

/** What a gpg user scripting PGP/MIME by hand sends: gpg --sign --encrypt, wrapped per RFC 3156. */
async function gpgPgpMime(): Promise<string> {
  await gpg.importKeys(await readFile(fx.files['bob.asc'], 'utf8'));
  await gpg.ok([
    '--quick-gen-key',
    '--passphrase',
    '',
    'carol@example.com',
    'ed25519',
    'sign',
    '1d',
  ]);
  const inner = 'Content-Type: text/plain; charset=utf-8\r\n\r\nHello from gpg.\r\n';
  const encrypted = await gpg.ok(
    [
      '--armor',
      '--sign',
      '--encrypt',
      '-u',
      'carol@example.com',
      '-r',
      BOB,
      '--trust-model',
      'always',
    ],
    { input: inner },
  );
  const entity = encryptedWrapper(new TextDecoder().decode(encrypted.stdout));
  const headers = parseEntity(
    new TextEncoder().encode(`From: carol@example.com\r\nTo: ${BOB}\r\nSubject: from gpg\r\n\r\n`),
  ).headers;
  const file = join(fx.dir, 'gpg.eml');
  await writeFile(file, joinMessage(headers, entity));
  return file;
}

beforeAll(async () => {
  if (!existsSync(bin)) {
    throw new Error('apps/cli is not built: run "bash scripts/setup.sh" (or pnpm build) first');
  }
  fx = await createRecipientFixtures();
  gpg = await createGnupgHome();
  gpgMessage = await gpgPgpMime();
  carolKey = join(fx.dir, 'carol.asc');
  await writeFile(carolKey, await gpg.exportKey('carol@example.com'));
  const ca = await sharedTestCa();
  caFile = join(fx.dir, 'server-ca.pem');
  await writeFile(caFile, ca.certPem);
  server = await startSubmissionServer({
    mode: 'starttls',
    certificate: await ca.issueServerCertificate(),
  });
}, 90_000);

afterAll(async () => {
  await Promise.all([gpg?.close(), server?.close()]);
  await fx?.dispose();
});

describe('the sealpost binary, recipient side', () => {
  it('inspect --json prints exactly one JSON document with the documented keys', async () => {
    const r = await sealpost(['inspect', fx.files['smime-encrypted.eml'], '--json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(
      [
        'encryption',
        'exposure',
        'file',
        'headerProtection',
        'headers',
        'notes',
        'signature',
        'size',
        'structure',
      ].sort(),
    );
    expect(Object.keys(doc.exposure).sort()).toEqual(
      ['assumption', 'headerProtection', 'matrix', 'scheme'].sort(),
    );
  });

  it('inspects and decrypts what gpg signed and encrypted, verifying the gpg signature', async () => {
    const seen = await sealpost(['inspect', gpgMessage, '--json']);
    expect(seen.status).toBe(0);
    const recipients = JSON.parse(seen.stdout).encryption.pgp.recipients;
    expect(fx.bobPgpKeyIds).toContain(recipients[0].keyId);
    const r = await sealpost(
      [
        'decrypt',
        gpgMessage,
        '--key',
        fx.files['bob.sec.asc'],
        '--passphrase-env',
        'BOB_PASS',
        '--verify-key',
        carolKey,
        '--json',
      ],
      { BOB_PASS: PASSPHRASE },
    );
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ scheme: 'pgp', encrypted: true, headerProtection: null });
    expect(doc.signatures).toEqual([expect.objectContaining({ status: 'valid' })]);
    expect(doc.message).toContain('Hello from gpg.');
    expect(r.stdout + r.stderr).not.toContain(PASSPHRASE);
  });

  it('decrypts S/MIME with a PKCS#12 file and a passphrase file', async () => {
    const r = await sealpost([
      'decrypt',
      fx.files['smime-encrypted.eml'],
      '--key',
      fx.files['bob.p12'],
      '--passphrase-file',
      fx.files['passphrase.txt'],
      '--anchor',
      fx.files['ca.pem'],
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(BODY);
    expect(r.stdout).toMatch(/valid — CN=alice@example\.org/);
  });

  it('a tampered file gives a non-zero exit (5) and no content', async () => {
    const decrypt = await sealpost([
      'decrypt',
      fx.files['pgp-tampered.eml'],
      '--key',
      fx.files['bob.sec.asc'],
      '--passphrase-file',
      fx.files['passphrase.txt'],
    ]);
    expect(decrypt.status).toBe(5);
    expect(decrypt.stderr).toContain('EDECRYPT');
    expect(decrypt.stdout).toBe('');
    const verify = await sealpost([
      'verify',
      fx.files['smime-signed-tampered.eml'],
      '--anchor',
      fx.files['ca.pem'],
      '--json',
    ]);
    expect(verify.status).toBe(5);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      ok: false,
      error: { code: 'ESIGNATURE_INVALID', category: 'crypto' },
    });
  });

  it('verify --json of a good PGP/MIME signature', async () => {
    const r = await sealpost([
      'verify',
      fx.files['pgp-signed.eml'],
      '--key',
      fx.files['alice.asc'],
      '--json',
    ]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(
      [
        'encrypted',
        'encryption',
        'headerProtection',
        'headers',
        'hpOuter',
        'inline',
        'integrity',
        'message',
        'notes',
        'outerHeaders',
        'scheme',
        'signatures',
      ].sort(),
    );
    expect(Object.keys(doc.signatures[0]).sort()).toEqual(
      ['addresses', 'code', 'created', 'keyId', 'reason', 'signer', 'status', 'userIds'].sort(),
    );
  });

  it('probe --json against a STARTTLS server, and --help', async () => {
    const r = await sealpost([
      'probe',
      '127.0.0.1',
      '--port',
      `${server.port}:starttls`,
      '--ca',
      caFile,
      '--timeout',
      '5000',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(['host', 'ports', 'recommended', 'use']);
    expect(doc.ports[0]).toMatchObject({ usable: true, tls: { chainValid: true } });
    expect(server.messages).toEqual([]);
    const help = await sealpost(['probe', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: sealpost probe HOST');
  });

  it('loads only the library of the scheme of the message: no pkijs for PGP, no openpgp.js for S/MIME', async () => {
    const keyring = ['--keyring', join(fx.dir, 'no-keyring')];
    const pgpRuns = [
      ['inspect', fx.files['pgp-encrypted.eml']],
      [
        'decrypt',
        fx.files['pgp-encrypted.eml'],
        '--key',
        fx.files['bob.sec.asc'],
        '--passphrase-file',
        fx.files['passphrase.txt'],
        '--verify-key',
        fx.files['alice.asc'],
        ...keyring,
      ],
      ['verify', fx.files['pgp-signed.eml'], '--key', fx.files['alice.asc'], ...keyring],
    ];
    const smimeRuns = [
      ['inspect', fx.files['smime-encrypted.eml']],
      [
        'decrypt',
        fx.files['smime-openssl-pkcs1.eml'],
        '--key',
        fx.files['bob-smime.pem'],
        '--anchor',
        fx.files['ca.pem'],
        ...keyring,
      ],
      ['verify', fx.files['smime-signed.eml'], '--anchor', fx.files['ca.pem'], ...keyring],
    ];
    for (const args of pgpRuns) {
      const files = await loadedFiles([...args, '--json']);
      expect(
        files.some((f) => PGP_LIBRARY.test(f)),
        args[0],
      ).toBe(true);
      expect(
        files.filter((f) => SMIME_LIBRARIES.test(f)),
        args[0],
      ).toEqual([]);
    }
    for (const args of smimeRuns) {
      const files = await loadedFiles([...args, '--json']);
      expect(
        files.some((f) => SMIME_LIBRARIES.test(f)),
        args[0],
      ).toBe(true);
      expect(
        files.filter((f) => PGP_LIBRARY.test(f)),
        args[0],
      ).toEqual([]);
    }
    const plain = await loadedFiles(['inspect', fx.files['plain.eml'], '--json']);
    expect(plain.filter((f) => PGP_LIBRARY.test(f) || SMIME_LIBRARIES.test(f))).toEqual([]);
  }, 60_000);
});

// Every human-facing output of the built binary fits 80 columns when stdout is not a terminal
// and COLUMNS is unset, and follows COLUMNS when it is set (out.width). Characters are counted
// after stripping ANSI colour sequences.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  createRecipientFixtures,
  type RecipientFixtures,
} from '../fixtures/recipient-fixtures.js';
import { assertBuilt, runCli } from './run-cli.js';

let dir: string;
let fx: RecipientFixtures;
let server: RunningSubmissionServer;
let serverCa: string;

const COMMANDS = [
  'send',
  'sendmail',
  'probe',
  'keys',
  'certs',
  'inspect',
  'decrypt',
  'verify',
  'demo',
  'errors',
  'config',
];

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    ...extra,
  };
}

function sealpost(args: readonly string[], extra: NodeJS.ProcessEnv = {}) {
  return runCli(args, { cwd: dir, env: env(extra), timeoutMs: 60_000 });
}

/** The lines wider than `width` characters (ANSI stripped), with their width: [] when all fit. */
function tooWide(text: string, width = 80): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\u001b\[[0-9;]*m/g, ''))
    .filter((line) => [...line].length > width)
    .map((line) => `${[...line].length}: ${line}`);
}

/** Runs the command, expects `code`, and returns the stdout lines wider than 80 columns. */
async function wideLines(args: readonly string[], code = 0): Promise<string[]> {
  const r = await sealpost(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
  expect(r.stdout.length, args.join(' ')).toBeGreaterThan(0);
  return tooWide(r.stdout);
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'sealpost-columns-'));
  fx = await createRecipientFixtures();
  const ca = await sharedTestCa();
  serverCa = join(dir, 'server-ca.pem');
  await writeFile(serverCa, ca.certPem);
  server = await startSubmissionServer({
    mode: 'starttls',
    certificate: await ca.issueServerCertificate(),
  });
  // A v4 and a v6 key (a 64-digit fingerprint), a recipient key, a certificate and an anchor.
  for (const [address, type] of [
    ['me@example.org', 'ecc'],
    ['me6@example.org', 'v6'],
  ] as const) {
    const r = await sealpost([
      'keys',
      'generate',
      address,
      '--name',
      'A Person With A Rather Long Name',
      '--type',
      type,
      '--out',
      `${address}.sec.asc`,
      '--unprotected',
    ]);
    expect(r.code, r.stderr).toBe(0);
  }
  for (const args of [
    ['keys', 'import', fx.files['bob.asc']],
    ['certs', 'import', fx.files['bob-smime.pem']],
    ['certs', 'import', '--anchor', fx.files['ca.pem']],
  ]) {
    const r = await sealpost(args);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await fx?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('human output fits 80 columns (COLUMNS unset, stdout not a terminal)', () => {
  it('--help of sealpost and of every command', async () => {
    expect(await wideLines(['--help'])).toEqual([]);
    for (const command of COMMANDS) {
      expect(await wideLines([command, '--help']), `${command} --help`).toEqual([]);
    }
  });

  it('errors, and one error explained', async () => {
    expect(await wideLines(['errors'])).toEqual([]);
    expect(await wideLines(['errors', 'ESMIME_CERT_UNTRUSTED'])).toEqual([]);
  });

  it('keys list (v4 and v6 keys), certs list, certs check', async () => {
    expect(await wideLines(['keys', 'list'])).toEqual([]);
    expect(await wideLines(['certs', 'list'])).toEqual([]);
    expect(await wideLines(['certs', 'check', BOB])).toEqual([]);
  });

  it('config', async () => {
    expect(await wideLines(['config'])).toEqual([]);
  });

  it('probe against a local STARTTLS server', async () => {
    const args = ['probe', '127.0.0.1', '--port', `${server.port}:starttls`, '--ca', serverCa];
    expect(await wideLines([...args, '--timeout', '5000'])).toEqual([]);
  });

  it('inspect', async () => {
    expect(await wideLines(['inspect', fx.files['pgp-encrypted.eml']])).toEqual([]);
    expect(await wideLines(['inspect', fx.files['smime-encrypted.eml']])).toEqual([]);
  });

  it('decrypt', async () => {
    const passphrase = ['--passphrase-file', fx.files['passphrase.txt']];
    const decrypt = ['decrypt', fx.files['pgp-encrypted.eml'], '--key', fx.files['bob.sec.asc']];
    expect(await wideLines([...decrypt, ...passphrase])).toEqual([]);
  });

  it('verify', async () => {
    const verify = ['verify', fx.files['smime-signed.eml'], '--anchor', fx.files['ca.pem']];
    expect(await wideLines(verify)).toEqual([]);
  });

  it('send --dry-run', async () => {
    const args = ['send', '--from', ALICE, '--to', BOB, '--subject', 'Columns', '--text', 'hi'];
    expect(await wideLines([...args, '--dry-run'])).toEqual([]);
  });

  it('demo', async () => {
    expect(await wideLines(['demo'])).toEqual([]);
  }, 120_000);
});

describe('human output follows COLUMNS', () => {
  it('errors and keys --help use 100 columns when COLUMNS=100', async () => {
    for (const args of [['errors'], ['keys', '--help']]) {
      const wide = await sealpost(args, { COLUMNS: '100' });
      expect(wide.code).toBe(0);
      expect(tooWide(wide.stdout, 100)).toEqual([]);
      expect(tooWide(wide.stdout, 80).length, args.join(' ')).toBeGreaterThan(0);
    }
  });
});

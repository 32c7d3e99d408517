// `sealpost decrypt` / `verify` of a 2–7 MiB message (decision 0142): opened as a stream from
// its file, yet printing what the in-memory path prints (the same message read from a pipe,
// which is not a regular file, takes that path), nothing written when a check fails, and what
// the streamed path refuses opened in memory instead — a refusal only above 8 MiB.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import { openssl, sharedTestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordLoads } from './record-loads.js';
import { assertBuilt, bin, type CliResult, runCli } from './run-cli.js';
import { writeTampered, writeTamperedTail } from './tamper.js';
import { Workplace } from './workplace.js';

const MIB = 1024 * 1024;
/** The streamed path's own chunk in the bundle: loaded by it, never by the in-memory path. */
const STREAMED = /\/open-message-file-[A-Z0-9]{8}\.js$/;

const place = new Workplace();
const { file, env, fresh, numbered, spoolIsEmpty } = place;

/** A fresh working directory: both paths write `--out inner.eml`, so the reports match. */
function workDir(): string {
  const cwd = numbered('run');
  mkdirSync(cwd);
  return cwd;
}

interface Run extends CliResult {
  readonly cwd: string;
  readonly streamed: boolean;
}

/** Runs `command message ...args`, the message given as its file (streamed, over 1 MiB). */
async function fromFile(
  command: string,
  message: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Run> {
  const cwd = workDir();
  const record = recordLoads(place.dir);
  const r = await runCli([command, message, ...args], {
    cwd,
    env: { ...env(), ...extraEnv, ...record.env },
    timeoutMs: 120_000,
  });
  return { ...r, cwd, streamed: record.loaded().some((f) => STREAMED.test(f)) };
}

/** The same with the message read from a pipe: the in-memory path, as before decision 0142. */
async function fromPipe(command: string, message: string, args: string[]): Promise<Run> {
  const cwd = workDir();
  const fifo = join(cwd, 'message.pipe');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const record = recordLoads(place.dir);
  const fed = new Promise<void>((resolve, reject) => {
    createReadStream(message)
      .pipe(createWriteStream(fifo))
      .on('close', resolve)
      .on('error', reject);
  });
  const r = await runCli([command, fifo, ...args], {
    cwd,
    env: { ...env(), ...record.env },
    timeoutMs: 120_000,
  });
  await fed;
  rmSync(fifo);
  return { ...r, cwd, streamed: record.loaded().some((f) => STREAMED.test(f)) };
}

/** Both paths: the same exit code, stdout, stderr and --out file; the file path streamed. */
async function sameAsInMemory(
  command: string,
  message: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Run> {
  const size = statSync(message).size;
  expect(size).toBeGreaterThan(2 * MIB);
  expect(size).toBeLessThan(7 * MIB);
  const streamed = await fromFile(command, message, args, extraEnv);
  const inMemory = await fromPipe(command, message, args);
  expect(streamed.streamed).toBe(true);
  expect(inMemory.streamed).toBe(false);
  expect(streamed.stderr).toBe(inMemory.stderr);
  expect(streamed.stdout).toBe(inMemory.stdout);
  expect(streamed.code).toBe(inMemory.code);
  const out = (run: Run) => join(run.cwd, 'inner.eml');
  expect(existsSync(out(streamed))).toBe(existsSync(out(inMemory)));
  if (existsSync(out(inMemory))) {
    expect(readFileSync(out(streamed)).equals(readFileSync(out(inMemory)))).toBe(true);
    expect(statSync(out(streamed)).mode & 0o777).toBe(0o600);
  }
  spoolIsEmpty();
  return streamed;
}

const tampered = (path: string, marker: string, back: number) =>
  writeTampered(path, marker, back, fresh('tampered'));
const tamperedTail = (path: string, back: number) =>
  writeTamperedTail(path, back, fresh('tampered'));

/** An unsigned message with `bytes` of random attachment, for openssl to sign. */
function plainMessage(name: string, bytes: number): string {
  const attachment = randomBytes(bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
  writeFileSync(
    file(name),
    'From: me@example.net\r\nTo: alice@example.org\r\nSubject: Mid\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
      `${attachment}\r\n`,
  );
  return file(name);
}

beforeAll(async () => {
  assertBuilt();
  place.create('sealpost-recipient-mid-');
  const ca = await sharedTestCa();
  const [alice, me, aliceCert, meCert] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
    ca.issueEmailCertificate('alice@example.org', { keyType: 'rsa-2048' }),
    ca.issueEmailCertificate('me@example.net', { keyType: 'rsa-2048' }),
  ]);
  writeFileSync(file('alice.asc'), alice.armoredPublicKey);
  writeFileSync(file('alice.sec.asc'), alice.armoredPrivateKey);
  writeFileSync(file('me.asc'), me.armoredPublicKey);
  writeFileSync(file('me.sec.asc'), me.armoredPrivateKey);
  writeFileSync(file('ca.pem'), ca.certPem);
  place.writeCertificate('alice', aliceCert);
  place.writeCertificate('me', meCert);
  // 3 MiB of attachment: ~4 MiB signed, ~5.5 MiB signed and encrypted (armor / base64 of base64).
  writeFileSync(file('mid.bin'), randomBytes(3 * MIB));
  const send = (out: string, flags: string[]) =>
    runCli(
      [
        'send',
        '--from',
        'me@example.net',
        '--to',
        'alice@example.org',
        '--subject',
        'Mid',
        '--text',
        'See the attachment.',
        '--attach',
        file('mid.bin'),
        ...flags,
        '--dry-run',
        '--out',
        out,
      ],
      { env: env(), timeoutMs: 120_000 },
    );
  const pgpSign = ['--sign', 'pgp', '--sign-key', file('me.sec.asc')];
  const smimeSign = ['--sign', 'smime', '--sign-key', file('me-identity.pem')];
  const anchor = ['--anchor', file('ca.pem')];
  const built = await Promise.all([
    send(file('pgp-signed-encrypted.eml'), [
      ...pgpSign,
      ...['--encrypt', 'pgp', '--key', file('alice.asc')],
    ]),
    send(file('pgp-signed.eml'), [...pgpSign, '--encrypt', 'none']),
    send(file('smime-signed-encrypted.eml'), [
      ...smimeSign,
      ...anchor,
      ...['--encrypt', 'smime', '--key', file('alice.pem')],
    ]),
    send(file('smime-signed.eml'), [...smimeSign, ...anchor, '--encrypt', 'none']),
  ]);
  for (const r of built) expect(r.code, r.stderr).toBe(0);
  // A signer without signed attributes (openssl -noattr): the streamed verification refuses
  // it (decision 0127), the in-memory one reads it. ~3 MiB and, for the refusal, ~9 MiB.
  const noattr = async (out: string, plain: string) =>
    writeFileSync(
      file(out),
      await openssl(
        [
          'cms',
          '-sign',
          '-noattr',
          '-in',
          plain,
          '-signer',
          file('me.pem'),
          '-inkey',
          file('me.key'),
        ].concat(['-from', 'me@example.net', '-to', 'alice@example.org', '-subject', 'Mid']),
        { timeoutMs: 60_000 },
      ),
    );
  await noattr('noattr-mid.eml', plainMessage('plain-mid.eml', 2 * MIB));
  await noattr('noattr-large.eml', plainMessage('plain-large.eml', 7 * MIB));
  expect(statSync(file('noattr-large.eml')).size).toBeGreaterThan(8 * MIB);
}, 240_000);

afterAll(() => place.remove());

describe('decrypt / verify of a 2–7 MiB message: streamed, printed as in memory', () => {
  const pgpKeys = () => ['--key', file('alice.sec.asc'), '--verify-key', file('me.asc')];

  it('PGP decrypt --out, human and --json, and decrypt printing the body', async () => {
    const message = file('pgp-signed-encrypted.eml');
    const human = await sameAsInMemory('decrypt', message, [...pgpKeys(), '--out', 'inner.eml']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toContain('sealpost decrypt: decrypted; signature valid');
    const json = await sameAsInMemory('decrypt', message, [
      ...pgpKeys(),
      '--out',
      'inner.eml',
      '--json',
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ out: 'inner.eml', encrypted: true });
    expect(JSON.parse(json.stdout).messageSize).toBeUndefined();
    const printed = await sameAsInMemory('decrypt', message, pgpKeys());
    expect(printed.stdout).toContain('Inner message (control characters');
    expect(printed.stdout.length).toBeGreaterThan(3 * MIB);
    const embedded = await sameAsInMemory('decrypt', message, [...pgpKeys(), '--json']);
    expect(JSON.parse(embedded.stdout).message.length).toBeGreaterThan(3 * MIB);
  }, 180_000);

  it('PGP verify prints the body, --out writes it, --json embeds it, as in memory', async () => {
    const message = file('pgp-signed.eml');
    const key = ['--key', file('me.asc')];
    const printed = await sameAsInMemory('verify', message, key);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('Inner message (control characters');
    await sameAsInMemory('verify', message, [...key, '--json']);
    await sameAsInMemory('verify', message, [...key, '--out', 'inner.eml', '--json']);
  }, 180_000);

  it('S/MIME decrypt --out and verify (human and --json), as in memory', async () => {
    const identity = ['--key', file('alice-identity.pem'), '--anchor', file('ca.pem')];
    const decrypted = await sameAsInMemory('decrypt', file('smime-signed-encrypted.eml'), [
      ...identity,
      '--out',
      'inner.eml',
    ]);
    expect(decrypted.code, decrypted.stderr).toBe(0);
    expect(decrypted.stderr).toContain('sealpost decrypt: decrypted; signature valid');
    await sameAsInMemory('decrypt', file('smime-signed-encrypted.eml'), [
      ...identity,
      '--out',
      'inner.eml',
      '--json',
    ]);
    const anchor = ['--anchor', file('ca.pem')];
    const verified = await sameAsInMemory('verify', file('smime-signed.eml'), anchor);
    expect(verified.code, verified.stderr).toBe(0);
    await sameAsInMemory('verify', file('smime-signed.eml'), [...anchor, '--json']);
    await sameAsInMemory('verify', file('smime-signed.eml'), [...anchor, '--out', 'inner.eml']);
  }, 180_000);

  it('a changed ciphertext or signed part: the in-memory error, no --out file, no temporary file', async () => {
    const cases: [string, string, string[], string][] = [
      [
        'decrypt',
        tampered(file('pgp-signed-encrypted.eml'), '-----END PGP MESSAGE-----', 4096),
        ['--key', file('alice.sec.asc')],
        'EDECRYPT',
      ],
      [
        'decrypt',
        // The last 16 octets of the AuthEnvelopedData are its GCM tag.
        tamperedTail(file('smime-signed-encrypted.eml'), 12),
        ['--key', file('alice-identity.pem')],
        'ESMIME_DECRYPT',
      ],
      [
        'verify',
        tampered(file('pgp-signed.eml'), '-----BEGIN PGP SIGNATURE-----', 8192),
        ['--key', file('me.asc')],
        'ESIGNATURE_INVALID',
      ],
      [
        'verify',
        tampered(file('smime-signed.eml'), 'Content-Type: application/pkcs7-signature', 8192),
        ['--anchor', file('ca.pem')],
        'ESIGNATURE_INVALID',
      ],
    ];
    for (const [command, message, args, code] of cases) {
      const r = await sameAsInMemory(command, message, [...args, '--out', 'inner.eml']);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(code);
      expect(r.stdout).toBe('');
      expect(existsSync(join(r.cwd, 'inner.eml'))).toBe(false);
    }
  }, 180_000);

  it('a signer without signed attributes falls back to memory up to 8 MiB; above, it is refused', async () => {
    const anchor = ['--anchor', file('ca.pem')];
    const mid = await sameAsInMemory('verify', file('noattr-mid.eml'), [
      ...anchor,
      '--out',
      'inner.eml',
      '--json',
    ]);
    expect(mid.code, mid.stderr).toBe(0);
    expect(JSON.parse(mid.stdout)).toMatchObject({ signatures: [{ status: 'valid' }] });
    await sameAsInMemory('verify', file('noattr-mid.eml'), anchor);
    const large = await fromFile('verify', file('noattr-large.eml'), [
      ...anchor,
      '--out',
      'inner.eml',
    ]);
    expect(large.code).not.toBe(0);
    expect(large.stderr).toContain('ESMIME_UNSUPPORTED');
    expect(existsSync(join(large.cwd, 'inner.eml'))).toBe(false);
    spoolIsEmpty();
  }, 180_000);

  it('a reader that goes away (| head) ends the printing in pieces, not the run: exit 0', async () => {
    for (const json of [[], ['--json']]) {
      const child = spawn(
        bin,
        ['verify', file('pgp-signed.eml'), '--key', file('me.asc'), ...json],
        { env: { PATH: process.env.PATH, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      child.stdout.once('data', () => child.stdout.destroy());
      const [code] = (await once(child, 'close')) as [number | null];
      expect(code, stderr).toBe(0);
      expect(stderr).not.toContain('EPIPE');
    }
    spoolIsEmpty();
  }, 60_000);

  it('a quoted-printable encrypted part and an unwritable TMPDIR fall back to memory too', async () => {
    // The armored part sent quoted-printable: the streamed path refuses it (EMIME).
    const text = readFileSync(file('pgp-signed-encrypted.eml'), 'latin1');
    const head = text.indexOf('Content-Transfer-Encoding: 7bit', text.indexOf('octet-stream'));
    const armor = text.indexOf('-----BEGIN PGP MESSAGE-----', head);
    const end = text.indexOf('-----END PGP MESSAGE-----', armor);
    const qp = file('pgp-quoted-printable.eml');
    writeFileSync(
      qp,
      `${text.slice(0, head)}Content-Transfer-Encoding: quoted-printable${text.slice(head + 31, armor)}` +
        `${text.slice(armor, end).replaceAll('=', '=3D')}${text.slice(end)}`,
      'latin1',
    );
    const keys = ['--key', file('alice.sec.asc'), '--verify-key', file('me.asc')];
    const decrypted = await sameAsInMemory('decrypt', qp, [...keys, '--out', 'inner.eml']);
    expect(decrypted.code, decrypted.stderr).toBe(0);
    expect(decrypted.stderr).toContain('sealpost decrypt: decrypted; signature valid');
    // No private directory can be made: the message is opened in memory as before.
    const noTmp = { TMPDIR: file('no-such-directory') };
    const verified = await sameAsInMemory(
      'verify',
      file('pgp-signed.eml'),
      ['--key', file('me.asc'), '--json'],
      noTmp,
    );
    expect(verified.code, verified.stderr).toBe(0);
  }, 180_000);
});

// `sealpost send` with a large attachment (issue 12): the copies are built in a private spool
// directory as streams. What the recipients' tools decrypt is the attachment, bit for bit, and
// the spool is gone after a send, a dry run, a refused plan and a SIGTERM mid-build.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as pgp from '@sealpost/pgp';
import {
  createGnupgHome,
  type GnupgHome,
  openssl,
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, bin, runCli } from './run-cli.js';
import { Workplace } from './workplace.js';

let server: RunningSubmissionServer;
let gpg: GnupgHome;
let attachment: Buffer;
const place = new Workplace();
const { file, spoolBase, env, spoolIsEmpty } = place;

beforeAll(async () => {
  assertBuilt();
  place.create('sealpost-large-');
  attachment = randomBytes(20 * 1024 * 1024);
  writeFileSync(file('big.bin'), attachment);
  const ca = await sharedTestCa();
  const tls = await ca.issueServerCertificate();
  server = await startSubmissionServer({
    mode: 'starttls',
    certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
    size: 256 * 1024 * 1024,
  });
  writeFileSync(file('ca.pem'), ca.certPem);
  const [alice, sender] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
  ]);
  writeFileSync(file('alice.asc'), alice.armoredPublicKey);
  writeFileSync(file('me.sec.asc'), sender.armoredPrivateKey);
  const bob = await ca.issueEmailCertificate('bob@example.org');
  writeFileSync(file('bob.pem'), bob.certPem);
  writeFileSync(file('bob.key'), bob.keyPem);
  const me = await ca.issueEmailCertificate('me@example.net');
  writeFileSync(file('me.pem'), `${me.certPem}${me.keyPem}`);
  gpg = await createGnupgHome();
  await gpg.importKeys(alice.armoredPrivateKey);
  await gpg.importKeys(sender.armoredPublicKey);
}, 120_000);

afterAll(async () => {
  await Promise.all([server?.close(), gpg?.close()]);
  place.remove();
});

const base = (to: string) => [
  'send',
  '--from',
  'me@example.net',
  '--to',
  to,
  '--subject',
  'Large',
  '--text',
  'See the attachment.',
  '--attach',
  file('big.bin'),
];
const submit = () => [
  '--server',
  `127.0.0.1:${server.port}`,
  '--tls',
  'starttls',
  '--ca',
  file('ca.pem'),
];

/** The decoded body of the part named big.bin in a decrypted MIME message. */
function attachedFile(mime: string): Buffer {
  const at = mime.indexOf('filename=big.bin');
  expect(at).toBeGreaterThan(0);
  const start = mime.indexOf('\r\n\r\n', at) + 4;
  const end = mime.indexOf('\r\n--', start);
  return Buffer.from(mime.slice(start, end), 'base64');
}

describe('sealpost send with a large attachment', () => {
  it('writes a PGP copy gpg decrypts to the same attachment, signature good', async () => {
    const r = await runCli(
      [
        ...base('alice@example.org'),
        '--encrypt',
        'pgp',
        '--sign',
        'pgp',
        '--key',
        file('alice.asc'),
        '--sign-key',
        file('me.sec.asc'),
        '--dry-run',
        '--out',
        file('pgp.eml'),
      ],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    spoolIsEmpty();
    const raw = readFileSync(file('pgp.eml'), 'latin1');
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw)![0];
    writeFileSync(file('pgp.asc'), armored);
    const out = await gpg.ok(['--status-fd', '2', '--decrypt', file('pgp.asc')]);
    expect(out.stderr).toContain('GOODSIG');
    expect(attachedFile(Buffer.from(out.stdout).toString('latin1')).equals(attachment)).toBe(true);
  }, 180_000);

  it('submits an S/MIME copy that openssl cms -decrypt reads back', async () => {
    const before = server.messages.length;
    const r = await runCli(
      [
        ...base('bob@example.org'),
        '--encrypt',
        'smime',
        '--key',
        file('bob.pem'),
        '--anchor',
        file('ca.pem'),
        ...submit(),
      ],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    spoolIsEmpty();
    expect(server.messages.length).toBe(before + 1);
    writeFileSync(file('smime.eml'), server.messages.at(-1)!.raw);
    const plain = await openssl([
      'cms',
      '-decrypt',
      '-in',
      file('smime.eml'),
      '-inkey',
      file('bob.key'),
      '-recip',
      file('bob.pem'),
    ]);
    expect(attachedFile(plain.toString('latin1')).equals(attachment)).toBe(true);
  }, 180_000);

  it('writes a PGP/MIME signed copy gpg verifies', async () => {
    const r = await runCli(
      [
        ...base('alice@example.org'),
        '--encrypt',
        'none',
        '--sign',
        'pgp',
        '--sign-key',
        file('me.sec.asc'),
        '--dry-run',
        '--out',
        file('signed.eml'),
      ],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    spoolIsEmpty();
    const raw = readFileSync(file('signed.eml'));
    const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw.toString('latin1'))![1]!;
    const delimiter = Buffer.from(`--${boundary}\r\n`);
    const start = raw.indexOf(delimiter) + delimiter.length;
    const end = raw.indexOf(Buffer.from(`\r\n--${boundary}`), start);
    writeFileSync(file('signed.part'), raw.subarray(start, end));
    const text = raw.toString('latin1');
    writeFileSync(
      file('signed.asc'),
      /-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/.exec(text)![0],
    );
    const out = await gpg.ok([
      '--status-fd',
      '2',
      '--verify',
      file('signed.asc'),
      file('signed.part'),
    ]);
    expect(out.stderr).toContain('GOODSIG');
    expect(attachedFile(text).equals(attachment)).toBe(true);
  }, 180_000);

  it('writes S/MIME signed and signed+encrypted copies openssl verifies', async () => {
    const signedOnly = await runCli(
      [
        ...base('bob@example.org'),
        '--encrypt',
        'none',
        '--sign',
        'smime',
        '--sign-key',
        file('me.pem'),
        '--anchor',
        file('ca.pem'),
        '--dry-run',
        '--out',
        file('smime-signed.eml'),
      ],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(signedOnly.code, signedOnly.stderr).toBe(0);
    const verified = await openssl([
      'cms',
      '-verify',
      '-in',
      file('smime-signed.eml'),
      '-CAfile',
      file('ca.pem'),
    ]);
    expect(attachedFile(verified.toString('latin1')).equals(attachment)).toBe(true);

    const both = await runCli(
      [
        ...base('bob@example.org'),
        '--encrypt',
        'smime',
        '--key',
        file('bob.pem'),
        '--sign',
        'smime',
        '--sign-key',
        file('me.pem'),
        '--anchor',
        file('ca.pem'),
        '--dry-run',
        '--out',
        file('smime-both.eml'),
      ],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(both.code, both.stderr).toBe(0);
    spoolIsEmpty();
    writeFileSync(
      file('smime-inner.eml'),
      await openssl([
        'cms',
        '-decrypt',
        '-in',
        file('smime-both.eml'),
        '-inkey',
        file('bob.key'),
        '-recip',
        file('bob.pem'),
      ]),
    );
    const inner = await openssl([
      'cms',
      '-verify',
      '-in',
      file('smime-inner.eml'),
      '-CAfile',
      file('ca.pem'),
    ]);
    expect(attachedFile(inner.toString('latin1')).equals(attachment)).toBe(true);
  }, 240_000);

  it('sendmail streams a large message from stdin: gpg decrypts it, no Bcc inside', async () => {
    const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\n');
    const input = Buffer.from(
      'From: me@example.net\nTo: alice@example.org\nBcc: hidden@example.org\n' +
        'Subject: Large\nMIME-Version: 1.0\nContent-Type: application/octet-stream\n' +
        `Content-Transfer-Encoding: base64\n\n${b64}\n`,
    );
    const r = await runCli(
      [
        'sendmail',
        '-t',
        '--encrypt',
        'pgp',
        '--policy',
        'prefer',
        '--key',
        file('alice.asc'),
        '--dry-run',
        '--out',
        file('sendmail.eml'),
      ],
      { env: env(), input, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    spoolIsEmpty();
    const copies = readdirSync(place.dir).filter((n) => n.startsWith('sendmail.'));
    expect(copies.sort()).toEqual(['sendmail.1.eml', 'sendmail.2.eml']);
    for (const name of copies) expect(readFileSync(file(name), 'latin1')).not.toMatch(/^bcc:/im);
    const encrypted = readFileSync(file('sendmail.1.eml'), 'latin1');
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(encrypted)!;
    writeFileSync(file('sendmail.asc'), armored[0]);
    const out = await gpg.ok(['--decrypt', file('sendmail.asc')]);
    const plain = Buffer.from(out.stdout).toString('latin1');
    const body = plain.slice(plain.indexOf('\r\n\r\n') + 4);
    expect(Buffer.from(body, 'base64').equals(attachment)).toBe(true);
  }, 180_000);

  it('refuses a copy over the server’s SIZE limit before MAIL FROM, and removes the spool', async () => {
    const ca = await sharedTestCa();
    const tls = await ca.issueServerCertificate();
    const small = await startSubmissionServer({
      mode: 'starttls',
      certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
      size: 10 * 1024 * 1024,
    });
    try {
      const r = await runCli(
        [
          ...base('alice@example.org'),
          ...['--encrypt', 'pgp', '--key', file('alice.asc')],
          ...['--server', `127.0.0.1:${small.port}`, '--tls', 'starttls', '--ca', file('ca.pem')],
        ],
        { env: env(), timeoutMs: 120_000 },
      );
      expect(r.stderr).toContain('ETOOBIG');
      expect(r.stderr).toContain(`at most ${10 * 1024 * 1024} octets (10.0 MiB)`);
      expect(r.code).not.toBe(0);
      // The session went as far as EHLO after STARTTLS: no MAIL FROM, no DATA, no message.
      expect(small.commands.map((c) => c.verb)).toContain('STARTTLS');
      expect(small.commands.map((c) => c.verb)).not.toContain('MAIL');
      expect(small.messages).toEqual([]);
      spoolIsEmpty();
    } finally {
      await small.close();
    }
  }, 180_000);

  it('leaves no spool file after a refused plan', async () => {
    const r = await runCli([...base('nokey@example.org'), '--encrypt', 'pgp', '--dry-run'], {
      env: env(),
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(3);
    spoolIsEmpty();
  }, 60_000);

  it('removes the spool when killed with SIGTERM mid-build', async () => {
    const child = spawn(
      bin,
      [...base('alice@example.org'), '--encrypt', 'pgp', '--key', file('alice.asc'), '--dry-run'],
      { env: { PATH: process.env.PATH, ...env() }, stdio: 'ignore' },
    );
    const closed = once(child, 'close');
    // Wait for the spool directory to appear, then stop the build.
    const deadline = Date.now() + 60_000;
    while (readdirSync(spoolBase()).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(readdirSync(spoolBase()).length).toBe(1);
    child.kill('SIGTERM');
    const [code, signal] = (await closed) as [number | null, string | null];
    expect(signal ?? code).toBe('SIGTERM');
    spoolIsEmpty();
  }, 90_000);
});

// `sealpost send` and `sealpost sendmail` end to end: the built binary, real keys, real TLS
// submission servers, and the recipients' side (our libraries, gpg, openssl cms).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import {
  createGnupgHome,
  type GnupgHome,
  openssl,
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
  startWkdServer,
} from '@sealpost/testkit';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

const SECRET = 'The merger closes on Friday.';
let dir: string;
let implicitServer: RunningSubmissionServer;
let startTlsServer: RunningSubmissionServer;
let alice: pgp.GeneratedKey;
let dora: pgp.GeneratedKey;
let sender: pgp.GeneratedKey;
let gpg: GnupgHome;
const file = (name: string) => join(dir, name);
const env = () => ({
  HOME: dir,
  XDG_CONFIG_HOME: file('xdg'),
  XDG_DATA_HOME: file('data'),
  PW: 'submit-pw',
  PP: 'sender-pass',
});

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-send-'));
  mkdirSync(file('xdg'));
  const ca = await sharedTestCa();
  const tls = await ca.issueServerCertificate();
  const certificate = { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem };
  [implicitServer, startTlsServer] = await Promise.all([
    startSubmissionServer({ mode: 'implicit-tls', certificate, users: { me: 'submit-pw' } }),
    startSubmissionServer({ mode: 'starttls', certificate, users: { me: 'submit-pw' } }),
  ]);
  writeFileSync(file('ca.pem'), ca.certPem);
  [alice, dora, sender] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'dora@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }], passphrase: 'sender-pass' }),
  ]);
  writeFileSync(file('alice.asc'), alice.armoredPublicKey);
  writeFileSync(file('dora.asc'), dora.armoredPublicKey);
  writeFileSync(file('me.sec.asc'), sender.armoredPrivateKey);
  const bob = await ca.issueEmailCertificate('bob@example.org');
  writeFileSync(file('bob.pem'), bob.certPem);
  writeFileSync(file('bob.key'), bob.keyPem);
  gpg = await createGnupgHome();
  await gpg.importKeys(alice.armoredPrivateKey);
}, 120_000);

afterAll(async () => {
  await Promise.all([implicitServer?.close(), startTlsServer?.close(), gpg?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const base = [
  'send',
  '--from',
  'me@example.net',
  '--subject',
  'Project Falcon',
  '--text',
  SECRET,
  '--keyring',
  'kr',
];
const submit = (server: RunningSubmissionServer, mode: string) => [
  '--server',
  `127.0.0.1:${server.port}`,
  '--tls',
  mode,
  '--ca',
  'ca.pem',
  '--user',
  'me',
  '--password-env',
  'PW',
];
/** What `openssl cms -decrypt` makes of a file with bob's key (it throws if openssl fails). */
const bobDecryptsWithOpenssl = async (name: string) =>
  (
    await openssl([
      'cms',
      '-decrypt',
      '-in',
      file(name),
      '-inkey',
      file('bob.key'),
      '-recip',
      file('bob.pem'),
    ])
  ).toString('utf8');
const armoredPart = (raw: string) =>
  /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw)![0];

describe('sealpost send', () => {
  it('encrypts and signs with OpenPGP, submits over implicit TLS, and alice reads it', async () => {
    const before = implicitServer.messages.length;
    const r = await runCli(
      [
        ...base,
        '--to',
        'alice@example.org',
        '--encrypt',
        'pgp',
        '--key',
        'alice.asc',
        '--sign',
        'pgp',
        '--sign-key',
        'me.sec.asc',
        '--passphrase-env',
        'PP',
        ...submit(implicitServer, 'implicit'),
        '--json',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ ok: true, dryRun: false });
    const m = json.report.messages[0];
    expect(m.transport).toMatchObject({
      mode: 'implicit-tls',
      accepted: ['alice@example.org'],
      auth: { user: 'me' },
    });
    expect(m.transport.tls.validation).toBe('verified');
    expect(m.exposure['submission-server'].body.visibility).toBe('hidden');
    expect(r.stdout + r.stderr).not.toContain('submit-pw');
    expect(r.stdout + r.stderr).not.toContain('sender-pass');
    const received = implicitServer.messages.slice(before);
    expect(received).toHaveLength(1);
    const raw = received[0]!.raw.toString('latin1');
    expect(raw).not.toContain(SECRET);
    expect(raw).toMatch(/^Subject: \[\.\.\.\]\r$/m);
    const opened = await pgp.decryptMime(new Uint8Array(received[0]!.raw), {
      decryptionKeys: [alice.privateKey],
      verificationKeys: [sender.publicKey],
    });
    expect(new TextDecoder().decode(opened.entity.body)).toContain(SECRET);
    expect(opened.signatures.map((s) => s.status)).toEqual(['valid']);
  });

  it('encrypts with S/MIME over STARTTLS, and bob reads it with openssl cms', async () => {
    const before = startTlsServer.messages.length;
    const r = await runCli(
      [
        ...base,
        '--to',
        'bob@example.org',
        '--encrypt',
        'smime',
        '--key',
        'bob.pem',
        '--anchor',
        'ca.pem',
        ...submit(startTlsServer, 'starttls'),
      ],
      {
        cwd: dir,
        env: env(),
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/transport: 127\.0\.0\.1:\d+ starttls, TLSv1\.[23]/);
    const received = startTlsServer.messages.slice(before);
    expect(received).toHaveLength(1);
    writeFileSync(file('smime-received.eml'), received[0]!.raw);
    expect(await bobDecryptsWithOpenssl('smime-received.eml')).toContain(SECRET);
  });

  it('refuses everything (exit 3, nothing sent) when a required key is missing', async () => {
    const before = implicitServer.messages.length;
    const r = await runCli(
      [
        ...base,
        '--to',
        'alice@example.org',
        '--to',
        'nokey@example.org',
        '--encrypt',
        'pgp',
        '--key',
        'alice.asc',
        ...submit(implicitServer, 'implicit'),
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('EPOLICY');
    expect(r.stderr).toContain('nokey@example.org');
    expect(implicitServer.messages.length).toBe(before);
  });

  it('submits to a non-ASCII local part with SMTPUTF8 (RFC 6531)', async () => {
    const before = implicitServer.messages.length;
    const r = await runCli(
      [
        ...base,
        '--to',
        'jürgen@example.org',
        '--encrypt',
        'none',
        ...submit(implicitServer, 'implicit'),
        '--json',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    const received = implicitServer.messages.slice(before);
    expect(received.map((m) => m.to)).toEqual([['jürgen@example.org']]);
    expect(JSON.parse(r.stdout).report.messages[0].envelope.smtputf8).toBe(true);
  });

  it('gives a Bcc recipient a private copy: no Bcc header and no Bcc key ID in the To copy', async () => {
    const before = implicitServer.messages.length;
    const r = await runCli(
      [
        ...base,
        '--to',
        'alice@example.org',
        '--bcc',
        'dora@example.org',
        '--encrypt',
        'pgp',
        '--key',
        'alice.asc',
        '--key',
        'dora.asc',
        ...submit(implicitServer, 'implicit'),
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    const [toCopy, bccCopy] = implicitServer.messages.slice(before);
    expect(toCopy!.to).toEqual(['alice@example.org']);
    expect(bccCopy!.to).toEqual(['dora@example.org']);
    const raw = toCopy!.raw.toString('latin1');
    expect(raw).not.toMatch(/^bcc:/im);
    expect(raw).not.toContain('dora@example.org');
    const message = await openpgp.readMessage({ armoredMessage: armoredPart(raw) });
    const keyIds = message.getEncryptionKeyIDs().map((id) => id.toHex());
    const doraIds = dora.publicKey.getKeys().map((k) => k.getKeyID().toHex());
    const aliceIds = alice.publicKey.getKeys().map((k) => k.getKeyID().toHex());
    expect(keyIds.some((id) => aliceIds.includes(id))).toBe(true);
    expect(keyIds.filter((id) => doraIds.includes(id))).toEqual([]);
    await expect(
      pgp.decryptMime(new Uint8Array(toCopy!.raw), { decryptionKeys: [dora.privateKey] }),
    ).rejects.toMatchObject({ code: 'EDECRYPT' });
  });

  it('--dry-run --out writes exactly what would be sent, without connecting; gpg decrypts it', async () => {
    const r = await runCli(
      [
        ...base,
        '--to',
        'alice@example.org',
        '--encrypt',
        'pgp',
        '--key',
        'alice.asc',
        '--dry-run',
        '--out',
        'dry.eml',
      ],
      {
        cwd: dir,
        env: env(),
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('not sent (dry run)');
    writeFileSync(file('dry.asc'), armoredPart(readFileSync(file('dry.eml'), 'latin1')));
    const decrypted = await gpg.ok(['--decrypt', file('dry.asc')]);
    expect(Buffer.from(decrypted.stdout).toString('utf8')).toContain(SECRET);
  });

  it('--dry-run --out writes one file per message when the plan has several; openssl decrypts the S/MIME one', async () => {
    const r = await runCli(
      [
        ...base,
        '--to',
        'alice@example.org',
        '--cc',
        'bob@example.org',
        '--cc',
        'carol@example.org',
        '--key',
        'alice.asc',
        '--key',
        'bob.pem',
        '--anchor',
        'ca.pem',
        '--dry-run',
        '--out',
        'multi.eml',
        '--json',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.files).toEqual(['multi.1.eml', 'multi.2.eml', 'multi.3.eml']);
    expect(
      json.report.messages.map((m: { endToEnd: { scheme: string } }) => m.endToEnd.scheme),
    ).toEqual(['pgp', 'smime', 'none']);
    expect(
      json.report.decisions.find((d: { address: string }) => d.address === 'carol@example.org')
        .reason,
    ).toMatch(/transport TLS only/);
    expect(await bobDecryptsWithOpenssl('multi.2.eml')).toContain(SECRET);
  });

  it('fails with the certificate error (exit 4) and sends nothing when the server is not trusted', async () => {
    const before = implicitServer.messages.length;
    const r = await runCli(
      [
        ...base,
        '--to',
        'alice@example.org',
        '--encrypt',
        'none',
        '--server',
        `127.0.0.1:${implicitServer.port}`,
        '--tls',
        'implicit',
      ],
      {
        cwd: dir,
        env: env(),
      },
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('ECERT_UNTRUSTED');
    // What to do names something that exists: --ca and how to see the issuer; no "pin" option.
    expect(r.stderr).toContain('--ca FILE ("sealpost probe HOST" shows the issuer)');
    expect(r.stderr).not.toMatch(/\bpin\b/);
    expect(implicitServer.messages.length).toBe(before);
  });

  it('finds keys in the default keyring that `sealpost keys import` filled', async () => {
    const imported = await runCli(['keys', 'import', 'alice.asc'], { cwd: dir, env: env() });
    expect(imported.code, imported.stderr).toBe(0);
    const r = await runCli(
      [
        'send',
        '--from',
        'me@example.net',
        '--to',
        'alice@example.org',
        '--subject',
        's',
        '--text',
        SECRET,
        '--encrypt',
        'pgp',
        '--dry-run',
        '--json',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).report.decisions[0]).toMatchObject({
      scheme: 'pgp',
      key: { source: 'keyring' },
    });
  });

  it('--discover looks a missing key up (WKD refused on loopback, then the key server)', async () => {
    const server = await startWkdServer({ hosts: ['localhost'] });
    try {
      const carol = await pgp.generateKey({ userIds: [{ email: 'carol@localhost' }] });
      server.publish('localhost', '/vks/v1/by-email/carol%40localhost', carol.armoredPublicKey);
      const r = await runCli(
        [
          'send',
          '--from',
          'me@example.net',
          '--to',
          'carol@localhost',
          '--subject',
          's',
          '--text',
          SECRET,
          '--encrypt',
          'pgp',
          '--discover',
          '--vks-url',
          `https://localhost:${server.port}`,
          '--keyring',
          'kr-discover',
          '--dry-run',
          '--json',
        ],
        { cwd: dir, env: { ...env(), NODE_EXTRA_CA_CERTS: file('ca.pem') } },
      );
      expect(r.code, r.stderr).toBe(0);
      const decision = JSON.parse(r.stdout).report.decisions[0];
      expect(decision).toMatchObject({
        scheme: 'pgp',
        key: { source: 'vks', fingerprint: carol.fingerprint.toLowerCase() },
      });
      expect(
        server.requests.some((req) => req.includes('/vks/v1/by-email/carol%40localhost')),
      ).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('--smime-compat writes AES-256-CBC EnvelopedData with PKCS#1 v1.5 for old clients, and says so', async () => {
    const r = await runCli(
      [
        ...base,
        '--to',
        'bob@example.org',
        '--encrypt',
        'smime',
        '--key',
        'bob.pem',
        '--anchor',
        'ca.pem',
        '--smime-compat',
        '--dry-run',
        '--out',
        'compat.eml',
        '--json',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).report.messages[0].endToEnd.algorithms[0]).toMatch(
      /EnvelopedData AES-256-CBC, RSA PKCS#1 v1\.5/,
    );
    expect(readFileSync(file('compat.eml'), 'latin1')).toMatch(/smime-type=enveloped-data/);
    const structure = await openssl(['cms', '-cmsout', '-print', '-in', file('compat.eml')]);
    const text = structure.toString('utf8');
    expect(text).toContain('aes-256-cbc');
    expect(text).toContain('rsaEncryption');
    expect(text).not.toContain('rsaesOaep');
    expect(await bobDecryptsWithOpenssl('compat.eml')).toContain(SECRET);
  });

  it('teaches with --help', async () => {
    const r = await runCli(['send', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sealpost send --from A --to B/);
    for (const flag of [
      '--encrypt',
      '--policy',
      '--bcc',
      '--dry-run',
      '--password-env',
      '--passphrase-file',
    ])
      expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('Examples:');
  });
});

describe('sealpost sendmail', () => {
  it('reads stdin like sendmail -t, takes the policy from sealpost.config.json, and strips Bcc', async () => {
    const cwd = file('sendmail-cwd');
    mkdirSync(cwd);
    writeFileSync(
      join(cwd, 'sealpost.config.json'),
      JSON.stringify({
        server: `127.0.0.1:${implicitServer.port}`,
        tls: 'implicit',
        ca: file('ca.pem'),
        user: 'me',
        passwordEnv: 'PW',
        encrypt: 'pgp',
        keys: [file('alice.asc'), file('dora.asc')],
        keyring: file('kr'),
      }),
    );
    const before = implicitServer.messages.length;
    const input = `From: Me <me@example.net>\nTo: alice@example.org\nBcc: dora@example.org\nSubject: from cron\n\n${SECRET}\n`;
    const r = await runCli(['sendmail', '-t', '-i'], { cwd, env: env(), input });
    expect(r.code, r.stderr).toBe(0);
    const received = implicitServer.messages.slice(before);
    expect(received.map((m) => m.to)).toEqual([['alice@example.org'], ['dora@example.org']]);
    for (const m of received) {
      const raw = m.raw.toString('latin1');
      expect(raw).not.toMatch(/^bcc:/im);
      expect(raw).not.toContain(SECRET);
      expect(raw).toMatch(/^Message-ID: <[0-9a-f]+@example\.net>\r$/m);
    }
    const opened = await pgp.decryptMime(new Uint8Array(received[0]!.raw), {
      decryptionKeys: [alice.privateKey],
    });
    expect(new TextDecoder().decode(opened.entity.body)).toContain(SECRET);
    expect(opened.headers.some((h) => h.name.toLowerCase() === 'bcc')).toBe(false);
  });

  it('needs recipients: -t or arguments (exit 64, EX_USAGE)', async () => {
    const r = await runCli(['sendmail', '--dry-run'], {
      cwd: dir,
      env: env(),
      input: 'From: me@example.net\nTo: a@example.org\n\nhi\n',
    });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('-t');
  });
});

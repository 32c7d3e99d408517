// `sealpost send` for scripts (issue 11): message-field flags, the password from a file or a
// command, encrypt-to-self, the body from a pipe, one exit code for missing files, and a report
// that says what stays in clear. The built binary against a recording TLS submission server.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import {
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

let dir: string;
let server: RunningSubmissionServer;
let alice: pgp.GeneratedKey;
let me: pgp.GeneratedKey;
let other: pgp.GeneratedKey;
const file = (name: string) => join(dir, name);
const env = (extra: Record<string, string> = {}) => ({
  HOME: dir,
  XDG_CONFIG_HOME: file('xdg'),
  XDG_DATA_HOME: file('data'),
  ...extra,
});
const base = ['send', '--from', 'me@example.net', '--to', 'alice@example.org', '--subject', 'S'];
const submit = () => [
  '--server',
  `127.0.0.1:${server.port}`,
  '--tls',
  'implicit',
  '--ca',
  'ca.pem',
];
const head = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n'));

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-send-contract-'));
  mkdirSync(file('xdg'));
  const ca = await sharedTestCa();
  const tls = await ca.issueServerCertificate();
  server = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
    users: { me: 'file-pw' },
  });
  writeFileSync(file('ca.pem'), ca.certPem);
  [alice, me, other] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
    pgp.generateKey({ userIds: [{ email: 'someone-else@example.net' }] }),
  ]);
  writeFileSync(file('alice.asc'), alice.armoredPublicKey);
  writeFileSync(file('me.asc'), me.armoredPublicKey);
  writeFileSync(file('other.sec.asc'), other.armoredPrivateKey);
  writeFileSync(file('pw.txt'), 'file-pw\n', { mode: 0o600 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('send: message fields as flags', () => {
  it('sets Reply-To, Sender, In-Reply-To, References, Date and Message-ID', async () => {
    const r = await runCli(
      [
        ...base,
        '--text',
        'hi',
        '--encrypt',
        'none',
        '--reply-to',
        'list@example.net',
        '--sender',
        'bot@example.net',
        '--in-reply-to',
        '<q1@example.org>',
        '--references',
        '<q0@example.org> <q1@example.org>',
        '--date',
        '2026-01-02T03:04:05Z',
        '--message-id',
        '<fixed.1@example.net>',
        '--dry-run',
        '--out',
        'fields.eml',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    const h = head(readFileSync(file('fields.eml'), 'latin1'));
    expect(h).toMatch(/^Reply-To: list@example\.net\r?$/m);
    expect(h).toMatch(/^Sender: bot@example\.net\r?$/m);
    expect(h).toMatch(/^In-Reply-To: <q1@example\.org>\r?$/m);
    expect(h).toMatch(/^References: <q0@example\.org> <q1@example\.org>\r?$/m);
    expect(h).toMatch(/^Date: .*2 Jan 2026 03:04:05/m);
    expect(h).toMatch(/^Message-ID: <fixed\.1@example\.net>\r?$/m);
  });

  it('--header Reply-To names the flag to use; a bad --date or --references is a usage error', async () => {
    const refused = await runCli(
      [...base, '--text', 'x', '--header', 'Reply-To: a@b.example', '--dry-run'],
      {
        cwd: dir,
        env: env(),
      },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('use --reply-to instead');
    const date = await runCli([...base, '--text', 'x', '--date', 'someday', '--dry-run'], {
      cwd: dir,
      env: env(),
    });
    expect(date.code).toBe(2);
    const refs = await runCli([...base, '--text', 'x', '--references', 'not-an-id', '--dry-run'], {
      cwd: dir,
      env: env(),
    });
    expect(refs.stderr).toContain('EHEADER');
  });
});

describe('send: body and files', () => {
  it('reads the body from a pipe when no body flag is given', async () => {
    const r = await runCli([...base, '--encrypt', 'none', '--dry-run', '--out', 'piped.eml'], {
      cwd: dir,
      env: env(),
      input: 'backup finished: 3 files\n',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file('piped.eml'), 'latin1')).toContain('backup finished: 3 files');
  });

  it('a missing --text-file and a missing --attach exit the same way (2, EIO)', async () => {
    for (const flag of [
      ['--text-file', 'nope.txt'],
      ['--text', 'x', '--attach', 'nope.pdf'],
    ]) {
      const r = await runCli([...base, ...flag, '--dry-run'], { cwd: dir, env: env() });
      expect(r.code, flag.join(' ')).toBe(2);
      expect(r.stderr).toContain('EIO');
    }
  });
});

describe('send: the SMTP password from a file or a command', () => {
  it('--password-file', async () => {
    const before = server.messages.length;
    const r = await runCli(
      [
        ...base,
        '--text',
        'x',
        '--encrypt',
        'none',
        ...submit(),
        '--user',
        'me',
        '--password-file',
        'pw.txt',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(server.messages.length).toBe(before + 1);
    expect(r.stdout + r.stderr).not.toContain('file-pw');
  });

  it('passwordCommand in the config (msmtp passwordeval style)', async () => {
    const cwd = file('cmd');
    mkdirSync(cwd);
    writeFileSync(
      join(cwd, 'sealpost.config.json'),
      JSON.stringify({ user: 'me', passwordCommand: `cat ${JSON.stringify(file('pw.txt'))}` }),
    );
    const r = await runCli(
      [
        ...base,
        '--text',
        'x',
        '--encrypt',
        'none',
        '--server',
        `127.0.0.1:${server.port}`,
        '--tls',
        'implicit',
        '--ca',
        file('ca.pem'),
      ],
      { cwd, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it('refuses two password sources', async () => {
    const r = await runCli(
      [...base, '--text', 'x', '--password-env', 'PW', '--password-file', 'pw.txt', '--user', 'me'],
      { cwd: dir, env: env({ PW: 'x' }) },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('two sources');
  });
});

describe('send: encrypt to self and the report', () => {
  it('--encrypt-to-self: the sender decrypts what alice got', async () => {
    const before = server.messages.length;
    const r = await runCli(
      [
        ...base,
        '--text',
        'for alice and me',
        '--encrypt',
        'pgp',
        '--key',
        'alice.asc',
        '--key',
        'me.asc',
        '--keyring',
        'kr',
        '--encrypt-to-self',
        ...submit(),
        '--user',
        'me',
        '--password-file',
        'pw.txt',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    const raw = server.messages[before]!.raw;
    const opened = await pgp.decryptMime(new Uint8Array(raw), { decryptionKeys: [me.privateKey] });
    expect(new TextDecoder().decode(opened.entity.body)).toContain('for alice and me');
  });

  it('lists custom headers as read by every server and warns about mixed copies (--json too)', async () => {
    const r = await runCli(
      [
        ...base,
        '--bcc',
        'nokey@example.org',
        '--text',
        'x',
        '--header',
        'X-Job: nightly',
        '--encrypt',
        'auto',
        '--key',
        'alice.asc',
        '--keyring',
        'kr',
        '--dry-run',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/outside the encryption, every server reads: .*X-Job/);
    expect(r.stdout).toContain('warning: the content reached the servers in clear anyway');
    const json = await runCli(
      [
        ...base,
        '--bcc',
        'nokey@example.org',
        '--text',
        'x',
        '--header',
        'X-Job: nightly',
        '--key',
        'alice.asc',
        '--keyring',
        'kr',
        '--dry-run',
        '--json',
      ],
      { cwd: dir, env: env() },
    );
    const report = JSON.parse(json.stdout).report;
    expect(report.messages[0].clearHeaders).toContain('X-Job');
    expect(report.warnings).toHaveLength(1);
  });

  it('warns when the signing key does not carry --from', async () => {
    const r = await runCli(
      [
        ...base,
        '--text',
        'x',
        '--encrypt',
        'none',
        '--sign',
        'pgp',
        '--sign-key',
        'other.sec.asc',
        '--dry-run',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: the signing key is for someone-else@example\.net, not me@example\.net/,
    );
    expect(r.stderr).toContain('EPGP_SIGNER_ADDRESS');
  });
});

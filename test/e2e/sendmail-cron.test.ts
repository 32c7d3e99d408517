// `sendmail` fed exactly as Debian cron and mailx feed it: the built binary linked as
// "sendmail", against a real Postfix (what is delivered) and a recording server (exit codes).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBody, splitMessage } from '@sealpost/compose';
import * as pgp from '@sealpost/pgp';
import {
  type PostfixInstance,
  type RunningSubmissionServer,
  sharedTestCa,
  startPostfix,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, bin } from './run-cli.js';

let dir: string;
let postfix: PostfixInstance;
let recorder: RunningSubmissionServer;
const file = (name: string) => join(dir, name);

/** Runs `sendmail ARGS` through a link named sendmail, as cron's execl("sendmail", …) does. */
function sendmail(
  args: readonly string[],
  input: string | Uint8Array,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file('sendmail'), args, {
      cwd,
      env: {
        PATH: process.env.PATH,
        NO_COLOR: '1',
        HOME: dir,
        XDG_CONFIG_HOME: file('xdg'),
        PW: postfix.password,
        RPW: 'pw',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

function project(name: string, config: Record<string, unknown>): string {
  const cwd = file(name);
  mkdirSync(cwd);
  writeFileSync(join(cwd, 'sealpost.config.json'), JSON.stringify(config));
  return cwd;
}

const LONG_LOG_LINE = `${'0123456789'.repeat(250)} end`;
/** What Debian cron writes (cron/do_command.c), with a job whose output is UTF-8. */
const CRON_MAIL =
  'From: root (Cron Daemon)\nTo: root\nSubject: Cron <root@host> /usr/local/bin/backup\n' +
  'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n' +
  'X-Cron-Env: <SHELL=/bin/sh>\nX-Cron-Env: <HOME=/root>\n\n' +
  `Sicherung abgeschlossen: 3 Dateien, Größe 12 MB\n${LONG_LOG_LINE}\n`;

let postfixCwd: string;
let recorderCwd: string;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-sendmail-'));
  mkdirSync(file('xdg'));
  symlinkSync(bin, file('sendmail'));
  const ca = await sharedTestCa();
  const tls = await ca.issueServerCertificate();
  [postfix, recorder] = await Promise.all([
    startPostfix(),
    startSubmissionServer({
      mode: 'implicit-tls',
      certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
      users: { me: 'pw' },
      rcptReply: (address) =>
        address.startsWith('gone@')
          ? { code: 550, message: '5.1.1 no such user' }
          : address.startsWith('busy@')
            ? { code: 451, message: '4.3.0 try again later' }
            : undefined,
    }),
  ]);
  writeFileSync(file('postfix-ca.pem'), postfix.caPem);
  writeFileSync(file('ca.pem'), ca.certPem);
  postfixCwd = project('postfix', {
    from: 'me@example.org',
    server: `127.0.0.1:${postfix.implicitTlsPort}`,
    tls: 'implicit',
    ca: file('postfix-ca.pem'),
    user: postfix.user,
    passwordEnv: 'PW',
    encrypt: 'none',
  });
  recorderCwd = project('recorder', {
    from: 'me@example.org',
    server: `127.0.0.1:${recorder.port}`,
    tls: 'implicit',
    ca: file('ca.pem'),
    user: 'me',
    passwordEnv: 'RPW',
    encrypt: 'none',
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([postfix?.stop(), recorder?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sendmail as cron calls it', () => {
  it('sendmail -FCronDaemon -i -B8BITMIME -oem root: silent, exit 0, delivered readable', async () => {
    const before = postfix.messages().length;
    const r = await sendmail(
      ['-FCronDaemon', '-i', '-B8BITMIME', '-oem', 'root'],
      CRON_MAIL,
      postfixCwd,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    const [delivered] = (await postfix.waitForMessages(before + 1, 15_000)).slice(before);
    const raw = delivered!.raw.toString('latin1');
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^From: Cron Daemon <root@example\.org>\r?$/m);
    expect(head).toMatch(/^To: root@example\.org\r?$/m);
    expect(head).toMatch(/^Content-Type: text\/plain; charset=UTF-8\r?$/im);
    expect(head).toMatch(/^Content-Transfer-Encoding: quoted-printable\r?$/m);
    expect(Math.max(...raw.split(/\r?\n/).map((l) => l.length))).toBeLessThanOrEqual(998);
    const body = new TextDecoder().decode(decodeBody(splitMessage(delivered!.raw).entity));
    expect(body).toContain('Größe 12 MB');
    expect(body).toContain(LONG_LOG_LINE);
  });

  it('labels undeclared UTF-8 (mailx -s with a UTF-8 body) as utf-8', async () => {
    const before = postfix.messages().length;
    const input = 'To: alice@example.org\nSubject: Grüße\n\nÄrger im Log\n';
    const r = await sendmail(['-i', '--', 'alice@example.org'], input, postfixCwd);
    expect(r.code, r.stderr).toBe(0);
    const [delivered] = (await postfix.waitForMessages(before + 1, 15_000)).slice(before);
    const raw = delivered!.raw.toString('latin1');
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8\r?$/m);
    expect(raw).toMatch(/^From: me@example\.org\r?$/m);
  });

  it('sends Bcc-only mail with To: undisclosed-recipients:; and once to a To+Cc duplicate', async () => {
    const before = recorder.messages.length;
    const input =
      'From: me@example.org\nTo: undisclosed-recipients:;\nBcc: alice@example.org\n\nhi\n';
    const r = await sendmail(['-t', '-oi'], input, recorderCwd);
    expect(r.code, r.stderr).toBe(0);
    const twice = 'From: me@example.org\nTo: bob@example.org\nCc: Bob@example.org\n\nhi\n';
    expect((await sendmail(['-t'], twice, recorderCwd)).code).toBe(0);
    const got = recorder.messages.slice(before);
    expect(got.map((m) => m.to)).toEqual([['alice@example.org'], ['bob@example.org']]);
    expect(got[0]!.raw.toString('latin1')).toMatch(/^To: undisclosed-recipients:;\r$/m);
    expect(got[0]!.raw.toString('latin1')).not.toMatch(/^Bcc:/im);
  });

  it('labels and encodes 8-bit text inside the OpenPGP encryption too', async () => {
    const alice = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
    writeFileSync(file('alice.asc'), alice.armoredPublicKey);
    const cwd = project('encrypted', {
      from: 'me@example.org',
      server: `127.0.0.1:${recorder.port}`,
      tls: 'implicit',
      ca: file('ca.pem'),
      user: 'me',
      passwordEnv: 'RPW',
      encrypt: 'pgp',
      keys: [file('alice.asc')],
      keyring: file('kr'),
    });
    const before = recorder.messages.length;
    const input = `From: me@example.org\nTo: alice@example.org\nSubject: log\n\nGröße\n${LONG_LOG_LINE}\n`;
    const r = await sendmail(['-t', '-i'], input, cwd);
    expect(r.code, r.stderr).toBe(0);
    const raw = recorder.messages[before]!.raw;
    // Neither the body's UTF-8 bytes nor its quoted-printable form travel outside the encryption
    // (a two-letter probe like "Gr" would also match the base64 of the ciphertext by chance).
    const wire = raw.toString('latin1');
    expect(wire).not.toContain(Buffer.from('Größe').toString('latin1'));
    expect(wire).not.toContain('Gr=C3=B6=C3=9Fe');
    expect(wire).not.toContain(LONG_LOG_LINE.slice(0, 40));
    const opened = await pgp.decryptMime(new Uint8Array(raw), {
      decryptionKeys: [alice.privateKey],
    });
    const type = opened.entity.headers.find((h) => h.name.toLowerCase() === 'content-type');
    expect(type?.value).toBe('text/plain; charset=utf-8');
    const body = new TextDecoder().decode(decodeBody(opened.entity));
    expect(body).toContain('Größe');
    expect(body).toContain(LONG_LOG_LINE);
  });

  it('-v prints the report; --log appends it to a file', async () => {
    const input = 'From: me@example.org\nTo: alice@example.org\n\nhi\n';
    const v = await sendmail(['-t', '-v'], input, recorderCwd);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('alice@example.org');
    const logged = await sendmail(['-t', '--log', file('sendmail.log')], input, recorderCwd);
    expect(logged.code, logged.stderr).toBe(0);
    expect(logged.stdout).toBe('');
    expect(readFileSync(file('sendmail.log'), 'utf8')).toContain('alice@example.org');
  });
});

describe('sendmail exit codes (sysexits.h)', () => {
  const ok = 'From: me@example.org\nTo: alice@example.org\n\nhi\n';
  it.each([
    ['64 usage: -bs', ['-bs'], ok, 64],
    ['64 usage: -q', ['-q'], ok, 64],
    ['64 usage: unknown flag', ['--nope'], ok, 64],
    ['65 data: a group with members', ['-t'], 'From: me@example.org\nTo: g: a@x.test;\n\nhi\n', 65],
    ['67 no user: 550 on RCPT', ['gone@example.org'], ok, 67],
    ['75 temporary: 451 on RCPT', ['busy@example.org'], ok, 75],
  ] as const)('%s', async (_title, args, input, code) => {
    const r = await sendmail(args, input, recorderCwd);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(/error E[A-Z_]+/);
  });

  it('65 data: a bare name without "domain" or "from" names the setting', async () => {
    const cwd = project('no-domain', {
      server: `127.0.0.1:${recorder.port}`,
      tls: 'implicit',
      ca: file('ca.pem'),
      encrypt: 'none',
    });
    const r = await sendmail(['root'], 'From: me@example.org\nSubject: x\n\nhi\n', cwd);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('"domain" setting');
  });

  it('--json prints the send report even though sendmail is otherwise silent', async () => {
    const r = await sendmail(['-t', '--json'], ok, recorderCwd);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(true);
    expect(json.report.messages[0].envelope.to).toEqual(['alice@example.org']);
    expect(json.report.warnings).toEqual([]);
  });

  it('78 config: a bad setting', async () => {
    const cwd = project('bad-config', { tls: 'sometimes' });
    expect((await sendmail(['-t'], ok, cwd)).code).toBe(78);
  });

  it('75 temporary: the server is down', async () => {
    const cwd = project('down', {
      from: 'me@example.org',
      server: '127.0.0.1:1',
      tls: 'implicit',
      encrypt: 'none',
    });
    expect((await sendmail(['-t'], ok, cwd)).code).toBe(75);
  });
});

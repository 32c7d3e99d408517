// `sealpost send` / `sendmail` open the submission session while the message is built
// (decision 0128): the built binary against a recording STARTTLS server with AUTH. What the
// server sees: no MAIL before every copy is built, none at all when the build fails or is
// refused; a build error wins over a connect error; a dry run never connects.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const file = (name: string) => join(dir, name);
const env = (password = 'submit-pw') => ({
  HOME: dir,
  XDG_CONFIG_HOME: file('xdg'),
  XDG_DATA_HOME: file('data'),
  PW: password,
});

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-ahead-'));
  const ca = await sharedTestCa();
  server = await startSubmissionServer({
    mode: 'starttls',
    certificate: await ca.issueServerCertificate(),
    users: { me: 'submit-pw' },
  });
  writeFileSync(file('ca.pem'), ca.certPem);
  const alice = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
  writeFileSync(file('alice.asc'), alice.armoredPublicKey);
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (to: readonly string[], extra: readonly string[] = []) => [
  'send',
  '--from',
  'me@example.net',
  ...to.flatMap((address) => ['--to', address]),
  '--subject',
  'ahead',
  '--text',
  'Hello.',
  '--encrypt',
  'pgp',
  '--key',
  'alice.asc',
  '--keyring',
  'kr',
  ...extra,
];
const submit = () => [
  '--server',
  `127.0.0.1:${server.port}`,
  '--tls',
  'starttls',
  '--ca',
  'ca.pem',
  '--user',
  'me',
  '--password-env',
  'PW',
];

/** Command verbs per session, for the sessions that arrived after `mark` sessions. */
function sessionsSince(mark: number): string[][] {
  const ids = [...new Set(server.commands.map((c) => c.session))].slice(mark);
  return ids.map((id) => server.commands.filter((c) => c.session === id).map((c) => c.verb));
}
const sessionCount = () => new Set(server.commands.map((c) => c.session)).size;

/** The server notices a closed connection a moment after the client has exited. */
async function allSessionsEnded(): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (server.sessions.closed < server.sessions.opened) {
    if (Date.now() > deadline) throw new Error('a session was left open');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the submission session opened ahead', () => {
  it('submits over one session: EHLO, STARTTLS, EHLO, AUTH, then MAIL after the build', async () => {
    const mark = sessionCount();
    const before = server.messages.length;
    const r = await runCli([...send(['alice@example.org']), ...submit()], {
      cwd: dir,
      env: env(),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('submitting via 127.0.0.1');
    expect(server.messages.length - before).toBe(1);
    await allSessionsEnded();
    const sessions = sessionsSince(mark);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.slice(0, 5)).toEqual(['EHLO', 'STARTTLS', 'EHLO', 'AUTH', 'MAIL']);
    expect(sessions[0]!.at(-1)).toBe('QUIT');
  });

  it('a refused send (exit 3) sends no MAIL and leaves no session open', async () => {
    const mark = sessionCount();
    const before = server.messages.length;
    const r = await runCli([...send(['alice@example.org', 'nokey@example.org']), ...submit()], {
      cwd: dir,
      env: env(),
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('EPOLICY');
    expect(server.messages.length).toBe(before);
    await allSessionsEnded();
    for (const verbs of sessionsSince(mark)) {
      expect(verbs).not.toContain('MAIL');
      expect(verbs).not.toContain('RCPT');
      expect(verbs).not.toContain('DATA');
    }
  });

  it('a build error wins over a connect error (refused plan and a wrong password: EPOLICY)', async () => {
    const r = await runCli([...send(['alice@example.org', 'nokey@example.org']), ...submit()], {
      cwd: dir,
      env: env('wrong'),
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('EPOLICY');
    expect(r.stderr).not.toContain('EAUTH');
    await allSessionsEnded();
  });

  it('a connect error after a good build has the code it always had (EAUTH), nothing sent', async () => {
    const mark = sessionCount();
    const before = server.messages.length;
    const r = await runCli([...send(['alice@example.org']), ...submit(), '--json'], {
      cwd: dir,
      env: env('wrong'),
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('EAUTH');
    expect(r.stdout + r.stderr).not.toContain('wrong');
    expect(server.messages.length).toBe(before);
    expect(sessionsSince(mark)).toHaveLength(1); // refused AUTH is not tried twice
    await allSessionsEnded();
  });

  it('a dry run never connects', async () => {
    const opened = server.sessions.opened;
    const r = await runCli(
      [...send(['alice@example.org']), ...submit(), '--dry-run', '--out', 'dry.eml'],
      { cwd: dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(server.sessions.opened).toBe(opened);
  });

  it('sendmail submits over the session opened ahead, and sends no MAIL when refused', async () => {
    const config = (policy: string) =>
      writeFileSync(
        file('sealpost.config.json'),
        JSON.stringify({
          server: `127.0.0.1:${server.port}`,
          tls: 'starttls',
          ca: file('ca.pem'),
          user: 'me',
          passwordEnv: 'PW',
          encrypt: policy,
          keys: [file('alice.asc')],
          keyring: file('kr'),
        }),
      );
    config('pgp');
    const mark = sessionCount();
    const before = server.messages.length;
    const ok = await runCli(['sendmail', '-t', '-i'], {
      cwd: dir,
      env: env(),
      input: 'From: me@example.net\nTo: alice@example.org\nSubject: cron\n\nHello.\n',
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(server.messages.length - before).toBe(1);
    const refused = await runCli(['sendmail', '-t', '-i'], {
      cwd: dir,
      env: env(),
      input: 'From: me@example.net\nTo: nokey@example.org\nSubject: cron\n\nHello.\n',
    });
    expect(refused.code).not.toBe(0);
    expect(server.messages.length - before).toBe(1);
    await allSessionsEnded();
    const sessions = sessionsSince(mark);
    expect(sessions[0]).toContain('MAIL');
    for (const verbs of sessions.slice(1)) expect(verbs).not.toContain('MAIL');
    rmSync(file('sealpost.config.json'));
  });
});

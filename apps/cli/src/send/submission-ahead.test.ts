// connectAhead (decision 0128): when the CLI opens the session ahead, and what a closed or
// failed one looks like, against a recording loopback submission server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../command.js';
import { connectAhead } from './submission-ahead.js';

let dir: string;
let server: RunningSubmissionServer;

function context(tty = false): CommandContext {
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  return {
    values: {},
    positionals: [],
    out: {} as CommandContext['out'],
    env: { PW: 'submit-pw', XDG_CACHE_HOME: join(dir, 'cache'), HOME: dir },
    cwd: dir,
    stdin,
  };
}

const settings = () => ({
  server: `127.0.0.1:${server.port}`,
  tls: 'starttls',
  ca: join(dir, 'ca.pem'),
  user: 'me',
  passwordEnv: 'PW',
  timeoutMs: 3_000,
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the server');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sealpost-ahead-cli-'));
  const ca = await sharedTestCa();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  server = await startSubmissionServer({
    mode: 'starttls',
    certificate: await ca.issueServerCertificate(),
    users: { me: 'submit-pw' },
  });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('connectAhead', () => {
  it('opens nothing when the password would be asked on the terminal', () => {
    const { passwordEnv: _, ...noSource } = settings();
    expect(connectAhead(context(true), noSource)).toBeUndefined();
    expect(
      connectAhead(context(true), { ...noSource, passwordCommand: 'echo submit-pw' }),
    ).toBeUndefined();
  });

  it('opens and authenticates the session; close() ends it with QUIT and no MAIL', async () => {
    const start = server.commands.length;
    const ahead = connectAhead(context(), settings());
    expect(ahead).toBeDefined();
    const { describe: via } = await ahead!.ready();
    expect(via).toContain(`127.0.0.1:${server.port} (starttls`);
    await ahead!.close();
    await until(() => server.commands.slice(start).some((c) => c.verb === 'QUIT'));
    expect(server.commands.slice(start).map((c) => c.verb)).toEqual([
      'EHLO',
      'STARTTLS',
      'EHLO',
      'AUTH',
      'QUIT',
    ]);
  });

  it('keeps a connect error for ready(), with its code, and never rejects unasked', async () => {
    const ahead = connectAhead(
      { ...context(), env: { ...context().env, PW: 'wrong' } },
      settings(),
    );
    await expect(ahead!.ready()).rejects.toMatchObject({ code: 'EAUTH' });
    await ahead!.close();
    const missing = connectAhead(context(), { ...settings(), server: undefined });
    await expect(missing!.ready()).rejects.toMatchObject({ code: 'EUSAGE' });
  });
});

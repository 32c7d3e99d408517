/**
 * When the SMTP session's steps happen inside one `sealpost send` (decision 0128): the built
 * binary sends a signed+encrypted 1 KiB message over STARTTLS with AUTH to a local Postfix
 * (testkit, needs root), with session-timeline-preload.mjs noting TCP connect, greeting,
 * STARTTLS, EHLO, AUTH, MAIL, QUIT and exit in ms since the process started. Compare with
 * `sealpost send --dry-run` (cli-oneshot.bench.ts) to see whether the session is still on the
 * critical path: MAIL should go out as soon as the copies are built.
 *
 * Run (root; build apps/cli first):
 *   pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source session-timeline.ts
 * Env: BENCH_RUNS (default 3).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as pgp from '@sealpost/pgp';
import { startPostfix } from '@sealpost/testkit';

const run = promisify(execFile);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const bin = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));
const preload = fileURLToPath(new URL('./session-timeline-preload.mjs', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-timeline-'));
const [postfix, alice, me] = await Promise.all([
  startPostfix(),
  pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
  pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
]);
try {
  writeFileSync(join(dir, 'alice.asc'), alice.armoredPublicKey);
  writeFileSync(join(dir, 'me.sec.asc'), me.armoredPrivateKey);
  writeFileSync(join(dir, 'ca.pem'), postfix.caPem);
  writeFileSync(join(dir, 'body.txt'), 'A one-kilobyte note.\n'.repeat(50));
  const args = [
    ...['send', '--from', 'me@example.net', '--to', 'alice@example.org', '--subject', 'bench'],
    ...['--text-file', 'body.txt', '--encrypt', 'pgp', '--key', 'alice.asc', '--sign', 'pgp'],
    ...['--sign-key', 'me.sec.asc', '--passphrase-file', '/dev/null', '--keyring', 'kr'],
    ...['--server', `${postfix.host}:${postfix.startTlsPort}`, '--tls', 'starttls'],
    ...['--ca', 'ca.pem', '--user', postfix.user, '--password-env', 'PW'],
  ];
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'xdg'),
    XDG_DATA_HOME: join(dir, 'data'),
    PW: postfix.password,
  };
  for (let i = 0; i <= runs; i++) {
    const { stderr } = await run(process.execPath, ['--import', preload, bin, ...args], {
      cwd: dir,
      env,
    });
    if (i === 0) continue; // warms the file cache
    console.log(`--- run ${i}`);
    console.log(
      stderr
        .split('\n')
        .filter((line) => / ms {2}/.test(line))
        .join('\n'),
    );
  }
} finally {
  await postfix.stop();
  rmSync(dir, { recursive: true, force: true });
}

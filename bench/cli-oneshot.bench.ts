/**
 * One-shot wall time of the CLI for a signed+encrypted message, as a script would run it,
 * against the same job scripted with GnuPG: `sealpost send --dry-run --out` (compose, sign,
 * encrypt, self-check, write) vs `gpg --sign --encrypt --armor` of a prepared message
 * (the crypto alone, before any MIME wrapping or msmtp), measured in the same run. Issue 6.
 *
 * Run after a build: pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source cli-oneshot.bench.ts
 * Env: BENCH_RUNS (default 15).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as pgp from '@sealpost/pgp';
import { createGnupgHome } from '@sealpost/testkit';

const run = promisify(execFile);
const runs = Number(process.env.BENCH_RUNS ?? 15);
const bin = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeRuns(fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-cli-'));
  const gpg = await createGnupgHome();
  try {
    const [alice, me] = await Promise.all([
      pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
      pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
    ]);
    writeFileSync(join(dir, 'alice.asc'), alice.armoredPublicKey);
    writeFileSync(join(dir, 'me.sec.asc'), me.armoredPrivateKey);
    await gpg.importKeys(alice.armoredPublicKey);
    await gpg.importKeys(me.armoredPrivateKey);
    const body = 'A one-kilobyte note.\n'.repeat(50);
    writeFileSync(join(dir, 'body.txt'), body);
    writeFileSync(
      join(dir, 'message.txt'),
      `From: me@example.net\nTo: alice@example.org\nSubject: bench\n\n${body}`,
    );

    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'xdg'),
      XDG_DATA_HOME: join(dir, 'data'),
    };
    const sealpost = () =>
      run(
        process.execPath,
        [
          bin,
          'send',
          '--from',
          'me@example.net',
          '--to',
          'alice@example.org',
          '--subject',
          'bench',
          '--text-file',
          'body.txt',
          '--encrypt',
          'pgp',
          '--key',
          'alice.asc',
          '--sign',
          'pgp',
          '--sign-key',
          'me.sec.asc',
          '--passphrase-file',
          '/dev/null',
          '--keyring',
          'kr',
          '--dry-run',
          '--out',
          'out.eml',
        ],
        { cwd: dir, env },
      );
    const gpgJob = () =>
      gpg.ok([
        '--yes',
        '--sign',
        '--encrypt',
        '--armor',
        '-r',
        'alice@example.org',
        '-u',
        'me@example.net',
        '-o',
        join(dir, 'out.asc'),
        join(dir, 'message.txt'),
      ]);

    await sealpost(); // warm the file cache for both
    await gpgJob();
    const ours = await timeRuns(sealpost);
    const theirs = await timeRuns(gpgJob);
    console.log(
      `one-shot signed+encrypted 1 KiB message, median of ${runs} runs (same machine, same run)`,
    );
    console.log(
      `  sealpost send --dry-run --out   ${median(ours).toFixed(0)} ms  (min ${Math.min(...ours).toFixed(0)})`,
    );
    console.log(
      `  gpg --sign --encrypt --armor    ${median(theirs).toFixed(0)} ms  (min ${Math.min(...theirs).toFixed(0)})`,
    );
    console.log(
      `  ratio                           ${(median(ours) / median(theirs)).toFixed(1)}× (sealpost also composes MIME, self-checks and reports)`,
    );
  } finally {
    await gpg.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

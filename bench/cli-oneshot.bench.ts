/**
 * One-shot `sealpost send` as a script runs it, against the same job scripted with GnuPG and
 * msmtp (issue 12, target 2): a signed+encrypted 1 KiB message submitted over STARTTLS (SASL)
 * to a local Postfix. sealpost: `sealpost send --encrypt pgp --sign pgp --tls starttls …`
 * (compose, sign, encrypt, self-check, submit, report). Peer: `gpg --sign --encrypt --armor`
 * of the body, wrapped in a header, piped to `msmtp`. Runs are interleaved; medians compared.
 * Also shown: `sealpost send --dry-run` (no network), `msmtp` alone with a prepared message (the
 * SMTP session's own cost at this Postfix) and `node -e 0` (the Node start-up floor).
 *
 * Run (root: Postfix needs it; build apps/cli first):
 *   pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source cli-oneshot.bench.ts
 * Env: BENCH_RUNS (default 15); BENCH_BASELINE=path/to/an/older/dist/sealpost (or bin.js) adds that build's
 * `send` to the same interleaved runs (before/after a change under the same load).
 * Target: sealpost ≤ 1.0× the peer.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as pgp from '@sealpost/pgp';
import { createGnupgHome, startPostfix } from '@sealpost/testkit';
import { writeMsmtpRc } from './msmtp.js';

const run = promisify(execFile);
const runs = Number(process.env.BENCH_RUNS ?? 15);
// The launcher users run (start-up snapshot, decision 0143) and the bundle it falls back to.
const bin = fileURLToPath(new URL('../apps/cli/dist/sealpost', import.meta.url));
const bundle = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));
const baseline = process.env.BENCH_BASELINE;

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q + 0.5)]!;
const median = (xs: number[]) => quantile(xs, 0.5);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-cli-'));
  const [postfix, gpg, alice, me] = await Promise.all([
    startPostfix(),
    createGnupgHome(),
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
  ]);
  try {
    writeFileSync(join(dir, 'alice.asc'), alice.armoredPublicKey);
    writeFileSync(join(dir, 'me.sec.asc'), me.armoredPrivateKey);
    writeFileSync(join(dir, 'ca.pem'), postfix.caPem);
    await gpg.importKeys(alice.armoredPublicKey);
    await gpg.importKeys(me.armoredPrivateKey);
    const body = 'A one-kilobyte note.\n'.repeat(50);
    writeFileSync(join(dir, 'body.txt'), body);
    writeFileSync(
      join(dir, 'prepared.eml'),
      `From: me@example.net\nTo: alice@example.org\nSubject: bench\n\n${body}`,
    );
    writeMsmtpRc(join(dir, 'msmtprc'), {
      host: postfix.host,
      port: postfix.startTlsPort,
      caFile: join(dir, 'ca.pem'),
      from: 'me@example.net',
      auth: { user: postfix.user, password: postfix.password },
    });
    // What a gpg user scripts: PGP/MIME needs a multipart wrapper (RFC 3156 §4); the armored
    // block goes in its second part.
    const gpgScript = [
      'set -e',
      'b=sealpostbench',
      '{',
      '  printf "From: me@example.net\\nTo: alice@example.org\\nSubject: bench\\nMIME-Version: 1.0\\n"',
      '  printf "Content-Type: multipart/encrypted; protocol=\\"application/pgp-encrypted\\"; boundary=\\"$b\\"\\n\\n"',
      '  printf -- "--$b\\nContent-Type: application/pgp-encrypted\\n\\nVersion: 1\\n\\n"',
      '  printf -- "--$b\\nContent-Type: application/octet-stream\\n\\n"',
      '  gpg --homedir "$1" --batch --trust-model always --sign --encrypt --armor \\',
      '    -r alice@example.org -u me@example.net < "$2"',
      '  printf -- "\\n--$b--\\n"',
      '} | msmtp -C "$3" alice@example.org',
    ].join('\n');

    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'xdg'),
      XDG_DATA_HOME: join(dir, 'data'),
      PW: postfix.password,
    };
    const sendArgs = [
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
    ];
    const submitArgs = [
      ...sendArgs,
      '--server',
      `${postfix.host}:${postfix.startTlsPort}`,
      '--tls',
      'starttls',
      '--ca',
      'ca.pem',
      '--user',
      postfix.user,
      '--password-env',
      'PW',
    ];
    const cases: Record<string, () => Promise<unknown>> = {
      'sealpost send (STARTTLS to Postfix)': () => run(bin, submitArgs, { cwd: dir, env }),
      // The same build without its start-up snapshot (what the launcher falls back to).
      'sealpost send, node dist/bin.js': () =>
        run(process.execPath, [bundle, ...submitArgs], { cwd: dir, env }),
      ...(baseline
        ? {
            'baseline sealpost send (BENCH_BASELINE)': () =>
              baseline.endsWith('.js')
                ? run(process.execPath, [baseline, ...submitArgs], { cwd: dir, env })
                : run(baseline, submitArgs, { cwd: dir, env }),
          }
        : {}),
      'gpg -se | msmtp (same Postfix)': () =>
        run('sh', ['-c', gpgScript, 'sh', gpg.home, join(dir, 'body.txt'), join(dir, 'msmtprc')]),
      'sealpost send --dry-run --out': () =>
        run(bin, [...sendArgs, '--dry-run', '--out', 'out.eml'], {
          cwd: dir,
          env,
        }),
      'msmtp alone (prepared message)': () =>
        run('sh', [
          '-c',
          'msmtp -C "$1" alice@example.org < "$2"',
          'sh',
          join(dir, 'msmtprc'),
          join(dir, 'prepared.eml'),
        ]),
      'node -e 0': () => run(process.execPath, ['-e', '0']),
    };
    const samples: Record<string, number[]> = {};
    for (const [name, fn] of Object.entries(cases)) {
      await fn(); // warm the file cache and gpg-agent
      samples[name] = [];
    }
    for (let i = 0; i < runs; i++) {
      for (const [name, fn] of Object.entries(cases)) samples[name]!.push(await timed(fn));
    }
    const delivered = await postfix.waitForMessages((baseline ? 4 : 3) * (runs + 1), 30_000);

    console.log(
      `one-shot signed+encrypted 1 KiB, ${runs} interleaved runs each (${delivered.length} delivered)`,
    );
    // The quartiles show what a median hides: a session that stalls ~40 ms on a delayed TCP
    // acknowledgement in some runs and not in others (decision 0145).
    console.log('| command | median ms | min ms | 25 % ms | 75 % ms |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const [name, xs] of Object.entries(samples)) {
      const cell = name.replaceAll('|', '\\|');
      const cells = [median(xs), Math.min(...xs), quantile(xs, 0.25), quantile(xs, 0.75)];
      console.log(`| ${cell} | ${cells.map((x) => x.toFixed(0)).join(' | ')} |`);
    }
    const ours = median(samples['sealpost send (STARTTLS to Postfix)']!);
    const theirs = median(samples['gpg -se | msmtp (same Postfix)']!);
    const ratio = ours / theirs;
    if (baseline) {
      const before = median(samples['baseline sealpost send (BENCH_BASELINE)']!);
      console.log(
        `\nbaseline build ${before.toFixed(0)} ms, this build ${ours.toFixed(0)} ms (${(ours / before).toFixed(2)}× the baseline; baseline vs peer ${(before / theirs).toFixed(2)}×)`,
      );
    }
    console.log(
      `\nsealpost ${ours.toFixed(0)} ms, gpg -se | msmtp ${theirs.toFixed(0)} ms, ratio ${ratio.toFixed(2)}× (target ≤ 1.0×): ${ratio <= 1 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await Promise.all([postfix.stop(), gpg.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

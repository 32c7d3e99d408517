/**
 * The recipient side, one shot per message, as a script runs it (issue 6, issue 12 target 2):
 * `sealpost decrypt` (sign+encrypt PGP/MIME, signature checked) vs `gpg --decrypt` on the same
 * file, `sealpost verify` of a signed 1 KiB PGP/MIME message, `sealpost inspect` vs
 * `gpg --list-packets`, and `node -e 0` (the bare Node start-up). Wall time per process, same
 * run, interleaved. Target: decrypt and verify ≤ 2× `node -e 0`.
 * Run: pnpm --filter @sealpost/bench exec tsx recipient.bench.ts [--runs N] (after building apps/cli).
 * `--fixtures DIR` only writes the message, keys and signed message to DIR (for a CPU profile).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encryptMime, generateKey, signMime } from '@sealpost/pgp';
import { createGnupgHome } from '@sealpost/testkit';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const fixturesArg = process.argv.indexOf('--fixtures');
const FIXTURES = fixturesArg > 0 ? process.argv[fixturesArg + 1] : undefined;
// The launcher users run (start-up snapshot, decision 0143) and the bundle it falls back to.
const BIN = fileURLToPath(new URL('../apps/cli/dist/sealpost', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));

// GNU time gives each child's CPU time (user+sys, 10 ms resolution), which other jobs on the
// machine inflate less than wall time.
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuSamples = new Map<string, number[]>();

function timed(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = GNU_TIME
      ? spawn(GNU_TIME, ['-f', 'BENCH_CPU %U %S', command, ...args], {
          stdio: ['ignore', 'ignore', 'pipe'],
          env,
        })
      : spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err}`));
      const cpu = /BENCH_CPU ([\d.]+) ([\d.]+)/.exec(err);
      if (cpu) {
        const key = `${command} ${args.join(' ')}`;
        const list = cpuSamples.get(key) ?? [];
        list.push((Number(cpu[1]) + Number(cpu[2])) * 1000);
        cpuSamples.set(key, list);
      }
      resolve(performance.now() - started);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = FIXTURES ?? (await mkdtemp(join(tmpdir(), 'sealpost-bench-recipient-')));
  const gpg = await createGnupgHome();
  try {
    const [alice, bob] = await Promise.all([
      generateKey({ userIds: [{ email: 'alice@example.org' }], type: 'rsa', rsaBits: 3072 }),
      generateKey({ userIds: [{ email: 'bob@example.org' }], type: 'rsa', rsaBits: 3072 }),
    ]);
    await gpg.importKeys(bob.armoredPrivateKey);
    await gpg.importKeys(alice.armoredPublicKey);
    const plain = new TextEncoder().encode(
      `From: alice@example.org\r\nTo: bob@example.org\r\nSubject: bench\r\nContent-Type: text/plain\r\n\r\n${`${'x'.repeat(76)}\r\n`.repeat(13)}`,
    );
    const message = await encryptMime(plain, {
      recipientKeys: [bob.publicKey],
      signingKey: alice.privateKey,
    });
    const signed = await signMime(plain, { signingKey: alice.privateKey });
    const files = {
      message: join(dir, 'message.eml'),
      signed: join(dir, 'signed.eml'),
      key: join(dir, 'bob.sec.asc'),
      alice: join(dir, 'alice.asc'),
    };
    await writeFile(files.message, message);
    await writeFile(files.signed, signed);
    await writeFile(files.key, bob.armoredPrivateKey);
    await writeFile(files.alice, alice.armoredPublicKey);
    if (FIXTURES) {
      console.log(`wrote ${Object.values(files).join(', ')}`);
      return;
    }
    const env = { PATH: process.env.PATH };
    const gpgBase = ['--homedir', gpg.home, '--batch', '--trust-model', 'always'];
    const cases = {
      'sealpost decrypt': () =>
        timed(
          BIN,
          ['decrypt', files.message, '--key', files.key, '--verify-key', files.alice, '--json'],
          env,
        ),
      'sealpost decrypt, node dist/bin.js': () =>
        timed(
          process.execPath,
          [
            BUNDLE,
            'decrypt',
            files.message,
            '--key',
            files.key,
            '--verify-key',
            files.alice,
            '--json',
          ],
          env,
        ),
      // gpg finds the armored block inside the MIME file by itself.
      'gpg --decrypt': () => timed('gpg', [...gpgBase, '--decrypt', files.message]),
      'sealpost verify': () =>
        timed(BIN, ['verify', files.signed, '--key', files.alice, '--json'], env),
      'sealpost inspect': () => timed(BIN, ['inspect', files.message, '--json'], env),
      'gpg --list-packets': () => timed('gpg', [...gpgBase, '--list-packets', files.message]),
      'sealpost --version': () => timed(BIN, ['--version'], env),
      'node -e 0': () => timed(process.execPath, ['-e', '0'], env),
    };
    const samples: Record<string, number[]> = {};
    const cpuOf: Record<string, number[]> = {};
    for (const name of Object.keys(cases)) {
      samples[name] = [];
      cpuOf[name] = [];
    }
    await cases['gpg --decrypt'](); // start gpg-agent before timing
    for (let i = 0; i < RUNS; i++) {
      for (const [name, run] of Object.entries(cases)) {
        cpuSamples.clear();
        samples[name]!.push(await run());
        for (const xs of cpuSamples.values()) cpuOf[name]!.push(...xs);
      }
    }
    console.log(
      `recipient side, 1 KiB PGP/MIME (RSA-3072, signed+encrypted), ${RUNS} runs each, interleaved`,
    );
    const cpu = (name: string) => (cpuOf[name]!.length ? median(cpuOf[name]!) : Number.NaN);
    console.log('| command | median ms | min ms | median CPU ms |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [name, xs] of Object.entries(samples)) {
      console.log(
        `| ${name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${cpu(name).toFixed(0)} |`,
      );
    }
    const floor = median(samples['node -e 0']!);
    for (const name of ['sealpost decrypt', 'sealpost verify']) {
      const ours = median(samples[name]!);
      const ratio = ours / floor;
      console.log(
        `${name} ${ours.toFixed(0)} ms, node -e 0 ${floor.toFixed(0)} ms, ratio ${ratio.toFixed(2)}× (target ≤ 2×): ${ratio <= 2 ? 'met' : 'NOT met'}`,
      );
    }
  } finally {
    await gpg.close();
    if (!FIXTURES) await rm(dir, { recursive: true, force: true });
  }
}

await main();

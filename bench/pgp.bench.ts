/**
 * @sealpost/pgp against `gpg -z 0`, in the same run (issue 4):
 *  1. sign+encrypt of a 1 KiB message: messages/s in-process vs one gpg process per message;
 *  2. a 100 MiB attachment (base64 in the message, ~136 MiB) signed+encrypted by the streaming
 *     path vs gpg reading the same file: wall time and peak RSS (ours in a child process).
 * Run: pnpm --filter @sealpost/bench exec tsx pgp.bench.ts [--mib N] (after building).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encryptMime, generateKey } from '@sealpost/pgp';
import { createGnupgHome, runInteropTool } from '@sealpost/testkit';

const mibArg = process.argv.indexOf('--mib');
const MIB = mibArg > 0 ? Number(process.argv[mibArg + 1]) : 100;
const OURS_1K = 500;
const GPG_1K = 60;

const message1k = new TextEncoder().encode(
  `From: alice@example.org\r\nTo: bob@example.org\r\nSubject: bench\r\nContent-Type: text/plain\r\n\r\n${'x'.repeat(76)}\r\n`.padEnd(
    1024,
    'y',
  ),
);

async function writeBigMessage(path: string, mib: number): Promise<number> {
  const out = createWriteStream(path);
  out.write(
    'From: alice@example.org\r\nTo: bob@example.org\r\nSubject: big attachment\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: application/octet-stream; name="big.bin"\r\nContent-Disposition: attachment; filename="big.bin"\r\n' +
      'Content-Transfer-Encoding: base64\r\n\r\n',
  );
  // 57 raw bytes per 76-character base64 line.
  const raw = Buffer.alloc(57);
  for (let i = 0; i < 57; i++) raw[i] = (i * 37 + 11) & 0xff;
  const line = `${raw.toString('base64')}\r\n`;
  const lines = Math.ceil((mib * 1024 * 1024) / 57);
  const block = line.repeat(1024);
  for (let i = 0; i < lines; i += 1024) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return (await stat(path)).size;
}

function timeGpg(args: string[]): Promise<{ seconds: number; maxRssKiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %M', 'gpg', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('close', (code) => {
      const last = err.trim().split('\n').at(-1)!.split(' ');
      if (code !== 0) reject(new Error(`gpg failed: ${err}`));
      else resolve({ seconds: Number(last[0]), maxRssKiB: Number(last[1]) });
    });
  });
}

function runChild(
  args: string[],
): Promise<{ seconds: number; maxRssKiB: number; bytes: number; wall: number }> {
  const child = fileURLToPath(new URL('./pgp-stream-child.mjs', import.meta.url));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`child exited ${code}`));
      else resolve({ ...JSON.parse(out), wall: (performance.now() - started) / 1000 });
    });
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sp-bench-'));
  const gpg = await createGnupgHome();
  try {
    const [alice, bob] = await Promise.all([
      generateKey({ userIds: [{ email: 'alice@example.org' }] }),
      generateKey({ userIds: [{ email: 'bob@example.org' }] }),
    ]);
    await gpg.ok(['--import'], { input: alice.armoredPrivateKey });
    await gpg.importKeys(bob.armoredPublicKey);
    const gpgArgs = [
      '--homedir',
      gpg.home,
      '--batch',
      '--no-tty',
      '--trust-model',
      'always',
      '-z',
      '0',
      '--sign',
      '--encrypt',
      '--armor',
      '-u',
      alice.fingerprint,
      '-r',
      bob.fingerprint,
    ];

    // 1. 1 KiB messages.
    for (let i = 0; i < 20; i++)
      await encryptMime(message1k, {
        recipientKeys: [bob.publicKey],
        signingKey: alice.privateKey,
      });
    let t = performance.now();
    for (let i = 0; i < OURS_1K; i++) {
      await encryptMime(message1k, {
        recipientKeys: [bob.publicKey],
        signingKey: alice.privateKey,
      });
    }
    const oursRate = OURS_1K / ((performance.now() - t) / 1000);
    // A worker sends many messages: keep 8 in flight so Web Crypto's thread pool uses both cores.
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next++ < OURS_1K) {
          await encryptMime(message1k, {
            recipientKeys: [bob.publicKey],
            signingKey: alice.privateKey,
          });
        }
      }),
    );
    const oursParallelRate = OURS_1K / ((performance.now() - t) / 1000);
    t = performance.now();
    for (let i = 0; i < GPG_1K; i++) {
      const r = await runInteropTool('gpg', gpgArgs, { input: message1k });
      if (r.code !== 0) throw new Error(r.stderr);
    }
    const gpgRate = GPG_1K / ((performance.now() - t) / 1000);

    // 2. the big attachment.
    const big = join(dir, 'big.eml');
    const size = await writeBigMessage(big, MIB);
    await writeFile(join(dir, 'alice.asc'), alice.armoredPrivateKey);
    await writeFile(join(dir, 'bob.asc'), bob.armoredPublicKey);
    const ours = await runChild([big, join(dir, 'alice.asc'), join(dir, 'bob.asc')]);
    const theirs = await timeGpg([...gpgArgs, '-o', '/dev/null', big]);

    const mb = size / 1e6;
    console.log(`\n@sealpost/pgp vs gpg 2.2 (-z 0), same run, ${new Date().toISOString()}`);
    console.table([
      {
        case: '1 KiB sign+encrypt, one at a time',
        sealpost: `${oursRate.toFixed(0)} msg/s`,
        gpg: `${gpgRate.toFixed(1)} msg/s`,
        ratio: `${(oursRate / gpgRate).toFixed(1)}×`,
        target: '≥ 10×',
      },
      {
        case: '1 KiB sign+encrypt, 8 in flight',
        sealpost: `${oursParallelRate.toFixed(0)} msg/s`,
        gpg: `${gpgRate.toFixed(1)} msg/s`,
        ratio: `${(oursParallelRate / gpgRate).toFixed(1)}×`,
        target: '≥ 10×',
      },
      {
        case: `${MIB} MiB attachment (${mb.toFixed(0)} MB message), time`,
        sealpost: `${ours.seconds.toFixed(2)} s (${(mb / ours.seconds).toFixed(0)} MB/s; ${ours.wall.toFixed(2)} s with process start)`,
        gpg: `${theirs.seconds.toFixed(2)} s (${(mb / theirs.seconds).toFixed(0)} MB/s)`,
        ratio: `${(ours.seconds / theirs.seconds).toFixed(2)}× gpg's time`,
        target: '≤ 2×',
      },
      {
        case: `${MIB} MiB attachment, peak RSS`,
        sealpost: `${(ours.maxRssKiB / 1024).toFixed(0)} MiB`,
        gpg: `${(theirs.maxRssKiB / 1024).toFixed(0)} MiB`,
        ratio: '',
        target: '≤ 150 MB',
      },
    ]);
  } finally {
    await gpg.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

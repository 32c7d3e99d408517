/**
 * S/MIME encryption: sealpost vs `openssl cms`, in the same run.
 *  1. 1 KiB messages/s: encryptMime in-process (AES-256-GCM AuthEnvelopedData, RSA-OAEP)
 *     vs one `openssl cms -encrypt -aes-256-gcm` process per message (what a script does).
 *  2. 100 MiB attachment: time and peak RSS of encryptMimeStream (Node streaming path) and of
 *     the one-shot encryptMime, vs `openssl cms -encrypt -stream`.
 * Run: pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source smime.bench.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encryptMime, readCertificate } from '@sealpost/smime';
import { sharedTestCa } from '@sealpost/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'sealpost-bench-smime-'));
const ca = await sharedTestCa();
const bob = await ca.issueEmailCertificate('bob@example.test', { keyType: 'rsa-2048' });
const certFile = join(dir, 'bob.pem');
await writeFile(certFile, bob.certPem);
const certificate = readCertificate(bob.certDer);

function kib1Message(): Uint8Array {
  const head =
    'From: alice@example.test\r\nTo: bob@example.test\r\nSubject: bench\r\nContent-Type: text/plain\r\n\r\n';
  const line = `${'x'.repeat(62)}\r\n`;
  return new TextEncoder().encode(
    head + line.repeat(Math.ceil((1024 - head.length) / line.length)),
  );
}

// 1. Messages per second, 1 KiB.
const message = kib1Message();
const msgFile = join(dir, 'msg.eml');
await writeFile(msgFile, message);
for (let i = 0; i < 20; i++) await encryptMime(message, { recipients: [certificate] }); // warm-up
const oursCount = 1000;
let t = performance.now();
for (let i = 0; i < oursCount; i++) await encryptMime(message, { recipients: [certificate] });
const oursRate = oursCount / ((performance.now() - t) / 1000);
const opensslCount = 100;
t = performance.now();
for (let i = 0; i < opensslCount; i++) {
  execFileSync('openssl', [
    'cms',
    '-encrypt',
    '-aes-256-gcm',
    '-in',
    msgFile,
    '-out',
    join(dir, 'o.p7m'),
    certFile,
  ]);
}
const opensslRate = opensslCount / ((performance.now() - t) / 1000);

// 2. 100 MiB attachment (base64 in a multipart/mixed message).
const bigFile = join(dir, 'big.eml');
const out = createWriteStream(bigFile);
out.write(
  'From: alice@example.test\r\nTo: bob@example.test\r\nSubject: big\r\nMIME-Version: 1.0\r\n' +
    'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n' +
    '--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n' +
    'Content-Disposition: attachment; filename="big.bin"\r\n\r\n',
);
const MiB = 1024 * 1024;
for (let i = 0; i < 100; i++) {
  const b64 = randomBytes(MiB).toString('base64').replace(/.{76}/g, '$&\r\n');
  if (!out.write(`${b64}\r\n`)) await once(out, 'drain');
}
out.end('--b1--\r\n');
await once(out, 'finish');

function child(mode: 'stream' | 'oneshot'): { ms: number; maxRssMb: number } | { error: string } {
  const result = spawnSync(
    process.execPath,
    [
      '--conditions=@sealpost/source',
      '--import',
      'tsx',
      join(here, 'smime-stream-child.ts'),
      mode,
      bigFile,
      join(dir, `${mode}.p7m`),
      certFile,
    ],
    { cwd: here, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (result.status !== 0) {
    return {
      error: /heap out of memory/.test(result.stderr)
        ? 'JS heap out of memory'
        : `exit ${result.status}`,
    };
  }
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

function opensslStream(): { ms: number; maxRssMb: number } {
  const started = performance.now();
  const result = spawnSync(
    '/usr/bin/time',
    [
      '-v',
      'openssl',
      'cms',
      '-encrypt',
      '-stream',
      '-aes-256-gcm',
      '-in',
      bigFile,
      '-out',
      join(dir, 'openssl.p7m'),
      certFile,
    ],
    { encoding: 'utf8' },
  );
  const ms = performance.now() - started;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  return { ms, maxRssMb: Number(rss?.[1] ?? 0) / 1024 };
}

const streamed = child('stream');
if ('error' in streamed) throw new Error(`streaming encryption failed: ${streamed.error}`);
const stream = streamed;
const oneshot = child('oneshot');
const baseline = opensslStream();
// The streamed output must be readable by openssl: a benchmark of broken output means nothing.
await writeFile(join(dir, 'bob.key'), bob.keyPem);
execFileSync(
  'openssl',
  [
    'cms',
    '-decrypt',
    '-in',
    join(dir, 'stream.p7m'),
    '-recip',
    certFile,
    '-inkey',
    join(dir, 'bob.key'),
    '-out',
    '/dev/null',
  ],
  { stdio: 'ignore' },
);

const fmt = (n: number) => n.toFixed(0);
console.log('\nS/MIME encrypt (RSA-2048 recipient, AES-256-GCM AuthEnvelopedData)\n');
console.log('| case | sealpost | openssl cms | ratio |');
console.log('| --- | --- | --- | --- |');
console.log(
  `| 1 KiB msgs/s (openssl: 1 process/msg) | ${fmt(oursRate)}/s | ${fmt(opensslRate)}/s | ${(oursRate / opensslRate).toFixed(1)}× |`,
);
console.log(
  `| 100 MiB attachment, streaming: time | ${fmt(stream.ms)} ms | ${fmt(baseline.ms)} ms (-stream) | |`,
);
console.log(
  `| 100 MiB attachment, streaming: peak RSS | ${fmt(stream.maxRssMb)} MB | ${fmt(baseline.maxRssMb)} MB | |`,
);
const oneshotText =
  'error' in oneshot ? oneshot.error : `${fmt(oneshot.ms)} ms / ${fmt(oneshot.maxRssMb)} MB`;
console.log(
  `| 100 MiB attachment, one-shot encryptMime (runtime-neutral core): time / peak RSS | ${oneshotText} | | |`,
);
await rm(dir, { recursive: true, force: true });

/**
 * A 50 MiB attachment through @sealpost/compose: toMimeStream (streamed) vs toMime (buffered),
 * against nodemailer's own MailComposer stream as the baseline a user would otherwise script.
 * Each variant runs in its own child process, which reports its peak RSS
 * (process.resourceUsage().maxRSS). Target (issue 2): streamed peak RSS < 150 MB.
 *
 * Run: pnpm --filter @sealpost/bench exec tsx compose-attachment.bench.ts
 */
import { fork } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const SIZE = 50 * 1024 * 1024;
const VARIANTS = ['nodemailer-stream', 'sealpost-stream', 'sealpost-buffered'] as const;
type Variant = (typeof VARIANTS)[number];

interface Result {
  readonly variant: Variant;
  readonly maxRssMb: number;
  readonly seconds: number;
  readonly outputBytes: number;
}

/** A sink like /dev/null that counts what it swallows. */
function countingSink(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      sink.bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

async function child(variant: Variant, path: string): Promise<Result> {
  const { createMessage, toMime, toMimeStream } = await import('@sealpost/compose');
  const message = createMessage({
    from: 'alice@example.org',
    to: 'bob@example.org',
    subject: 'big attachment',
    text: 'See the attachment.',
    attachments: [{ path, filename: 'big.bin', contentType: 'application/octet-stream' }],
  });
  const sink = countingSink();
  const start = performance.now();
  if (variant === 'sealpost-stream') {
    await pipeline(toMimeStream(message), sink);
  } else if (variant === 'sealpost-buffered') {
    const bytes = await toMime(message);
    await pipeline([bytes], sink);
  } else {
    const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
    const { createReadStream } = await import('node:fs');
    const node = new MailComposer({
      from: 'alice@example.org',
      to: 'bob@example.org',
      subject: 'big attachment',
      text: 'See the attachment.',
      attachments: [{ content: createReadStream(path), filename: 'big.bin' }],
    }).compile();
    await pipeline(node.createReadStream(), sink);
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    variant,
    seconds,
    outputBytes: sink.bytes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function runChild(variant: Variant, path: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['--child', variant, path], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    proc.once('message', (message) => resolve(message as Result));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${variant} child exited with ${code}`));
    });
  });
}

async function writeInput(path: string): Promise<void> {
  // Pseudo-random bytes so base64 cannot be short-cut; written in 1 MiB chunks.
  const chunk = Buffer.alloc(1024 * 1024);
  let x = 12345;
  for (let i = 0; i < chunk.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    chunk[i] = x >>> 24;
  }
  await pipeline(
    (function* () {
      for (let written = 0; written < SIZE; written += chunk.length) yield chunk;
    })(),
    createWriteStream(path),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-'));
  try {
    const path = join(dir, 'big.bin');
    await writeInput(path);
    const results: Result[] = [];
    for (const variant of VARIANTS) results.push(await runChild(variant, path));
    console.log(`50 MiB attachment, ${process.version}, each variant in its own process\n`);
    console.log('| variant | peak RSS (MB) | time (s) | output (MiB) |');
    console.log('| ------- | ------------- | -------- | ------------ |');
    for (const r of results) {
      console.log(
        `| ${r.variant} | ${r.maxRssMb.toFixed(1)} | ${r.seconds.toFixed(2)} | ${(r.outputBytes / 1048576).toFixed(1)} |`,
      );
    }
    const streamed = results.find((r) => r.variant === 'sealpost-stream')!;
    console.log(
      `\ntarget: sealpost-stream peak RSS < 150 MB → ${streamed.maxRssMb < 150 ? 'met' : 'NOT met'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const result = await child(process.argv[3] as Variant, process.argv[4]!);
  process.send?.(result, () => process.exit(0));
} else {
  await main();
}

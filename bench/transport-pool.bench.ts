/**
 * Pooled SMTP submission vs one connection per message vs msmtp (one process per message),
 * all over STARTTLS to the same local smtp-server sink, in the same run. Issue 3 target:
 * pooled ≥ 50× msmtp's rate.
 *
 * Run: pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source transport-pool.bench.ts
 * Env: BENCH_MESSAGES (default 2000), BENCH_SAMPLE (default 100, for the per-message runs).
 *
 * smtp-server waits 100 ms before each greeting (docs/toolchain.md); every new connection pays it,
 * which is exactly the cost pooling avoids, so the sink is left as it is.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sharedTestCa, startSubmissionServer } from '@sealpost/testkit';
import { createSmtpTransport } from '@sealpost/transport';
import { writeMsmtpRc } from './msmtp.js';

const run = promisify(execFile);
const total = Number(process.env.BENCH_MESSAGES ?? 2000);
const sample = Number(process.env.BENCH_SAMPLE ?? 100);

function message(i: number): Uint8Array {
  return new TextEncoder().encode(
    `From: bench@example.test\r\nTo: sink@example.test\r\nSubject: bench ${i}\r\n` +
      `Message-ID: <bench-${i}@example.test>\r\n\r\n${'Small message body line.\r\n'.repeat(20)}`,
  );
}

const envelope = { from: 'bench@example.test', to: ['sink@example.test'] };

async function timed(label: string, count: number, fn: () => Promise<void>) {
  const started = performance.now();
  await fn();
  const seconds = (performance.now() - started) / 1000;
  return { label, count, seconds, rate: count / seconds };
}

async function main() {
  const ca = await sharedTestCa();
  const sink = await startSubmissionServer({
    mode: 'starttls',
    certificate: await ca.issueServerCertificate(),
  });
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  const common = { host: sink.host, port: sink.port, mode: 'starttls' as const, ca: ca.certPem };
  const results = [];

  const pooled = createSmtpTransport({ ...common, pool: true, maxConnections: 5 });
  results.push(
    await timed(`sealpost pooled (5 connections), ${total} messages`, total, async () => {
      await Promise.all(
        Array.from({ length: total }, (_, i) => pooled.send({ envelope, raw: message(i) })),
      );
    }),
  );
  await pooled.close();

  const single = createSmtpTransport(common);
  results.push(
    await timed(`sealpost one connection per message, sample ${sample}`, sample, async () => {
      for (let i = 0; i < sample; i++) await single.send({ envelope, raw: message(i) });
    }),
  );

  const config = join(dir, 'msmtprc');
  writeMsmtpRc(config, {
    host: sink.host,
    port: sink.port,
    caFile,
    from: 'bench@example.test',
    extra: ['tls_min_dh_prime_bits 2048'],
  });
  const messageFile = join(dir, 'message.eml');
  writeFileSync(messageFile, message(0));
  results.push(
    await timed(`msmtp one process per message, sample ${sample}`, sample, async () => {
      for (let i = 0; i < sample; i++) {
        await run('sh', [
          '-c',
          'msmtp -C "$1" sink@example.test < "$2"',
          'sh',
          config,
          messageFile,
        ]);
      }
    }),
  );

  const received = sink.messages.length;
  await sink.close();
  rmSync(dir, { recursive: true, force: true });

  const msmtpRate = results[2]!.rate;
  console.log(`\nSTARTTLS to a local smtp-server sink (${received} messages received)\n`);
  console.log('| run | messages | seconds | messages/s | × msmtp |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.label} | ${r.count} | ${r.seconds.toFixed(2)} | ${r.rate.toFixed(1)} | ${(r.rate / msmtpRate).toFixed(1)} |`,
    );
  }
  const ratio = results[0]!.rate / msmtpRate;
  console.log(
    `\npooled / msmtp = ${ratio.toFixed(1)}× (target ≥ 50×): ${ratio >= 50 ? 'met' : 'NOT met'}`,
  );
  if (received !== total + 2 * sample) {
    console.error(`expected ${total + 2 * sample} messages at the sink, got ${received}`);
    process.exitCode = 1;
  }
}

await main();

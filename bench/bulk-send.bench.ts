/**
 * Bulk sends in one process (issue 12, target 3), what the library, `send` with many messages
 * and the worker do: N 1 KiB messages, each composed, signed and encrypted (OpenPGP, Ed25519 /
 * X25519), self-checked (prepareSend) and submitted over a pooled STARTTLS connection
 * (sendBuilt) to a local smtp-server sink in its own process (sink-child.ts). Peer: a shell loop of `gpg --sign --encrypt | msmtp`
 * to the same sink, one process pair per message (a sample, rate extrapolated), same run.
 *
 * Run: pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source bulk-send.bench.ts
 * sealpost runs twice: everything on the main thread, and with createPgpCopyPool() (signing and
 * encryption on worker threads, one per core but one (at least one); compose, self-check and SMTP on the main thread).
 * Env: BENCH_MESSAGES (default 2000), BENCH_SAMPLE (default 30), BENCH_IN_FLIGHT (default 16),
 * BENCH_CONNECTIONS (default 5), BENCH_THREADS (pool size; default the pool's own: cores − 1, at least 1).
 * Target: ≥ 400 messages/s and ≥ 50× the gpg | msmtp loop.
 *
 * smtp-server waits 100 ms before each greeting; the pool pays that once per connection.
 */
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createMessage } from '@sealpost/compose';
import type { KeySet, SignerKey } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import {
  type CopyBuilder,
  createPgpCopyPool,
  prepareSend,
  type SendPolicy,
  sendBuilt,
} from '@sealpost/pipeline';
import { createGnupgHome, sharedTestCa } from '@sealpost/testkit';
import { createSmtpTransport } from '@sealpost/transport';

const run = promisify(execFile);
const total = Number(process.env.BENCH_MESSAGES ?? 2000);
const sample = Number(process.env.BENCH_SAMPLE ?? 30);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 5);
const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;

const body = 'A one-kilobyte note.\n'.repeat(50);
const policy: SendPolicy = { encrypt: 'require', scheme: 'pgp', sign: 'pgp' };

/** Asks the sink child one question and waits for the answer with that field. */
function ask<T>(child: ChildProcess, message: unknown, field: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: Record<string, T>) => {
      if (!(field in reply)) return;
      child.off('message', onMessage);
      resolve(reply[field]!);
    };
    child.on('message', onMessage);
    child.send(message as never);
  });
}

async function main() {
  const ca = await sharedTestCa();
  const sinkChild = fork(new URL('./sink-child.ts', import.meta.url));
  const [port, gpg, alice, me] = await Promise.all([
    ca
      .issueServerCertificate()
      .then((certificate) => ask<number>(sinkChild, { certificate }, 'port')),
    createGnupgHome(),
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-bulk-'));
  try {
    const keys: KeySet = {
      recipients: new Map([
        [
          'alice@example.org',
          [
            {
              scheme: 'pgp',
              address: 'alice@example.org',
              fingerprint: alice.fingerprint,
              source: 'file',
              material: alice.publicKey,
            },
          ],
        ],
      ]),
    };
    const signer: SignerKey = {
      scheme: 'pgp',
      fingerprint: me.fingerprint.toLowerCase(),
      source: 'file',
      material: { privateKey: me.privateKey },
    };
    const transport = createSmtpTransport({
      host: '127.0.0.1',
      port,
      mode: 'starttls',
      ca: ca.certPem,
      pool: true,
      maxConnections: connections,
    });
    const sendOne = async (i: number, copyBuilder: CopyBuilder | undefined) => {
      const message = createMessage({
        from: 'me@example.net',
        to: 'alice@example.org',
        subject: `bench ${i}`,
        text: body,
      });
      const prepared = await prepareSend(
        message,
        policy,
        { recipientKeys: keys, signers: { pgp: signer } },
        copyBuilder ? { copyBuilder } : {},
      );
      await sendBuilt(prepared.plan, prepared.built, transport);
    };
    const bulk = async (copyBuilder: CopyBuilder | undefined) => {
      // Warm up: JIT, the pool's connections (their greeting delay), openpgp.js in every thread.
      await Promise.all(Array.from({ length: 2 * connections }, (_, i) => sendOne(i, copyBuilder)));
      let next = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < total) await sendOne(next++, copyBuilder);
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      // CPU of every thread of this process: what the run costs whatever else the machine runs.
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      return { seconds, rate: total / seconds, cpuMsPerMessage: (cpuSeconds * 1000) / total };
    };
    const mainThread = await bulk(undefined);
    const pool = createPgpCopyPool(threads ? { threads } : {});
    const pooled = await bulk(pool);
    await pool.close();
    const ours = Math.max(mainThread.rate, pooled.rate);
    await transport.close();

    await gpg.importKeys(alice.armoredPublicKey);
    await gpg.importKeys(me.armoredPrivateKey);
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'body.txt'), body);
    writeFileSync(
      join(dir, 'msmtprc'),
      [
        'defaults',
        'tls on',
        'tls_starttls on',
        `tls_trust_file ${join(dir, 'ca.pem')}`,
        'tls_min_dh_prime_bits 2048',
        'auth off',
        'account bench',
        'host 127.0.0.1',
        `port ${port}`,
        'from me@example.net',
        'account default : bench',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const loop = [
      'i=0',
      'while [ "$i" -lt "$4" ]; do',
      '  { printf "From: me@example.net\\nTo: alice@example.org\\nSubject: bench $i\\n\\n"',
      '    gpg --homedir "$1" --batch --trust-model always --sign --encrypt --armor \\',
      '      -r alice@example.org -u me@example.net < "$2"',
      '  } | msmtp -C "$3" alice@example.org',
      '  i=$((i + 1))',
      'done',
    ].join('\n');
    const args = [gpg.home, join(dir, 'body.txt'), join(dir, 'msmtprc')];
    await run('sh', ['-c', loop, 'sh', ...args, '1']); // start gpg-agent
    const peerStarted = performance.now();
    await run('sh', ['-c', loop, 'sh', ...args, String(sample)]);
    const peerSeconds = (performance.now() - peerStarted) / 1000;
    const theirs = sample / peerSeconds;

    const expected = 2 * (2 * connections + total) + 1 + sample;
    const received = await ask<number>(sinkChild, 'count', 'count');
    console.log(
      `\nbulk: ${total} signed+encrypted 1 KiB messages, STARTTLS to a local sink (${received}/${expected} received)\n`,
    );
    console.log('| run | messages | seconds | messages/s | CPU ms/message |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const [label, r] of [
      ['sealpost, main thread only', mainThread],
      ['sealpost, createPgpCopyPool()', pooled],
    ] as const) {
      console.log(
        `| ${label}, ${inFlight} in flight, ${connections} connections | ${total} | ${r.seconds.toFixed(2)} | ${r.rate.toFixed(1)} | ${r.cpuMsPerMessage.toFixed(2)} |`,
      );
    }
    console.log(
      `| gpg -se \\| msmtp loop, sample | ${sample} | ${peerSeconds.toFixed(2)} | ${theirs.toFixed(1)} | — |`,
    );
    const ratio = ours / theirs;
    console.log(
      `\nsealpost ${ours.toFixed(0)} msg/s (best run), gpg | msmtp ${theirs.toFixed(1)} msg/s, ratio ${ratio.toFixed(1)}× ` +
        `(targets ≥ 400 msg/s: ${ours >= 400 ? 'met' : 'NOT met'}; ≥ 50×: ${ratio >= 50 ? 'met' : 'NOT met'})`,
    );
    if (received !== expected) process.exitCode = 1;
  } finally {
    sinkChild.disconnect();
    await gpg.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

/**
 * One `send` run that builds many copies: a signed+encrypted (OpenPGP) 1 KiB message to one To
 * and N-1 Bcc recipients is N copies (each Bcc recipient gets a private one). prepareSend on the
 * main thread against createPgpCopyPool() started and closed inside the timing, as a one-shot
 * CLI run would pay for it: where the pool starts to pay decides the CLI's threshold
 * (docs/decisions/0136). Build the packages first (the pool's worker is the built file).
 *
 * Run: pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source send-copies.bench.ts
 * Env: BENCH_COPIES (default 1,2,5,10,20,50,100), BENCH_RUNS (default 5; the median is shown).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage } from '@sealpost/compose';
import { loadSigningKey, resolveRecipientKeys } from '@sealpost/keystore';
import { generateKey } from '@sealpost/pgp';
import { createPgpCopyPool, prepareSend, type SendPolicy } from '@sealpost/pipeline';

const counts = (process.env.BENCH_COPIES ?? '1,2,5,10,20,50,100').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const policy: SendPolicy = { encrypt: 'require', scheme: 'pgp', sign: 'pgp' };
const text = 'Quarterly figures follow. '.repeat(40).slice(0, 1024);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-copies-bench-'));
  const most = Math.max(...counts);
  const keys = await Promise.all(
    Array.from({ length: most }, (_, i) =>
      generateKey({ userIds: [{ email: `r${i}@example.org` }] }),
    ),
  );
  const me = await generateKey({ userIds: [{ email: 'me@example.net' }] });
  const files = keys.map((k, i) => {
    const path = join(dir, `r${i}.asc`);
    writeFileSync(path, k.armoredPublicKey);
    return path;
  });
  writeFileSync(join(dir, 'me.sec.asc'), me.armoredPrivateKey);
  const signer = await loadSigningKey(join(dir, 'me.sec.asc'));
  const address = (i: number) => `r${i}@example.org`;

  const once = async (n: number, pooled: boolean) => {
    const started = performance.now();
    const pool = pooled ? createPgpCopyPool() : undefined;
    const prepared = await prepareSend(
      createMessage({
        from: 'me@example.net',
        to: address(0),
        ...(n > 1 ? { bcc: Array.from({ length: n - 1 }, (_, i) => address(i + 1)) } : {}),
        subject: 'copies',
        text,
      }),
      policy,
      {
        recipientKeys: (addresses) => resolveRecipientKeys(addresses, { files: files.slice(0, n) }),
        signers: { pgp: signer },
      },
      pool ? { copyBuilder: pool } : {},
    );
    if (prepared.built.length !== n) throw new Error(`${prepared.built.length} copies, not ${n}`);
    await pool?.close();
    return performance.now() - started;
  };

  await once(2, false); // warm the main thread's JIT as a long CLI run would not: favours it
  console.log(`median of ${runs} runs; the pool is started and closed inside each run\n`);
  console.log('| copies | main thread ms | pool ms | pool / main |');
  console.log('| -----: | -------------: | ------: | ----------: |');
  for (const n of counts) {
    const main: number[] = [];
    const pool: number[] = [];
    for (let r = 0; r < runs; r++) {
      main.push(await once(n, false));
      pool.push(await once(n, true));
    }
    const [m, p] = [median(main), median(pool)];
    console.log(
      `| ${String(n).padStart(6)} | ${m.toFixed(0).padStart(14)} | ${p.toFixed(0).padStart(7)} | ${(p / m).toFixed(2).padStart(11)} |`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}

await main();

/**
 * `sealpost send` with a large attachment, as a user runs it (issue 12): the BUILT binary is
 * spawned under `/usr/bin/time -v` for PGP and S/MIME, encrypt / sign / sign+encrypt, with
 * `--dry-run --out` and to a local submission sink (STARTTLS), and compared with the peer tool
 * on the same attachment in the same run: `gpg -z 0` and `openssl cms -stream`.
 * Run: pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source send-large.bench.ts
 *      [--mib N] (default 100; --mib 1024 for 1 GiB) [--only pgp|smime]
 *      [--mode encrypt|sign|sign+encrypt] [--to out|server] [--runs N] (median of N)
 * BENCH_BASELINE=DIR/dist/bin.js adds an older build (a copy of apps/cli/dist made before a
 * change, its package.json one level up) to the same runs, interleaved with this one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sharedTestCa, startSubmissionServer } from '@sealpost/testkit';
import { type Run, timed, writeRandomFile } from './gnu-time.js';

const { values } = parseArgs({
  options: {
    mib: { type: 'string' },
    only: { type: 'string' },
    mode: { type: 'string' },
    to: { type: 'string' },
    runs: { type: 'string' },
  },
});
const RUNS = Number(values.runs ?? 1);
const baseline = process.env.BENCH_BASELINE;
const MIB = Number(values.mib ?? 100);
const here = dirname(fileURLToPath(import.meta.url));
// The launcher users run (start-up snapshot, decision 0143).
const bin = join(here, '../apps/cli/dist/sealpost');
const dir = await mkdtemp(join(tmpdir(), 'sealpost-bench-send-'));
const file = (name: string) => join(dir, name);

// Keys: gpg makes the OpenPGP keys (so its own baseline uses the same ones); the test CA the
// S/MIME certificates.
const gnupg = file('gnupg');
mkdirSync(gnupg, { mode: 0o700 });
const gpg = (...args: string[]) =>
  spawnSync('gpg', ['--homedir', gnupg, '--batch', '--yes', '--quiet', ...args], {
    encoding: 'utf8',
  });
for (const uid of ['alice@example.org', 'me@example.net'])
  gpg('--passphrase', '', '--quick-gen-key', uid, 'future-default', 'default', 'never');
writeFileSync(file('alice.asc'), gpg('--armor', '--export', 'alice@example.org').stdout);
writeFileSync(
  file('me.sec.asc'),
  gpg(
    '--armor',
    '--pinentry-mode',
    'loopback',
    '--passphrase',
    '',
    '--export-secret-keys',
    'me@example.net',
  ).stdout,
);
const ca = await sharedTestCa();
const bob = await ca.issueEmailCertificate('bob@example.org', { keyType: 'rsa-2048' });
const me = await ca.issueEmailCertificate('me@example.net', { keyType: 'rsa-2048' });
writeFileSync(file('ca.pem'), ca.certPem);
writeFileSync(file('bob.pem'), bob.certPem);
writeFileSync(file('me.pem'), `${me.certPem}${me.keyPem}`);
writeFileSync(file('me.crt'), me.certPem);
writeFileSync(file('me.key'), me.keyPem);

const attachment = file('attachment.bin');
await writeRandomFile(attachment, MIB * 1024 * 1024);
const tls = await ca.issueServerCertificate();
const server = await startSubmissionServer({
  mode: 'starttls',
  certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
  size: 4 * 1024 * 1024 * 1024,
  keepData: false,
});

const XDG = { HOME: dir, XDG_CONFIG_HOME: file('xdg'), XDG_DATA_HOME: file('data') };
async function sealpost(
  scheme: 'pgp' | 'smime',
  mode: string,
  to: 'out' | 'server',
  binary = bin,
): Promise<Run> {
  const encrypt = mode !== 'sign';
  const sign = mode !== 'encrypt';
  const rcpt = scheme === 'pgp' ? 'alice@example.org' : 'bob@example.org';
  const args = [
    'send',
    '--from',
    'me@example.net',
    '--to',
    rcpt,
    '--subject',
    'large',
    '--text',
    'see attached',
    '--attach',
    attachment,
    '--encrypt',
    encrypt ? scheme : 'none',
    ...(sign ? ['--sign', scheme] : []),
    '--key',
    file(scheme === 'pgp' ? 'alice.asc' : 'bob.pem'),
    ...(scheme === 'smime' ? ['--anchor', file('ca.pem')] : []),
    ...(sign ? ['--sign-key', file(scheme === 'pgp' ? 'me.sec.asc' : 'me.pem')] : []),
    ...(to === 'out'
      ? ['--dry-run', '--out', file('out.eml')]
      : ['--server', `127.0.0.1:${server.port}`, '--tls', 'starttls', '--ca', file('ca.pem')]),
  ];
  // Each run writes a new --out file, as a user's run usually does (an existing one is
  // overwritten by a copy; a new one can be the spool file's second name, decision 0141).
  rmSync(file('out.eml'), { force: true });
  // The launcher is run as users run it; an older build's bin.js (BENCH_BASELINE) with node.
  return binary.endsWith('.js')
    ? timed(process.execPath, [binary, ...args], XDG)
    : timed(binary, args, XDG);
}

async function peer(scheme: 'pgp' | 'smime', mode: string): Promise<{ name: string; run: Run }> {
  if (scheme === 'pgp') {
    const flags =
      mode === 'encrypt' ? ['-e'] : mode === 'sign' ? ['--detach-sign'] : ['--sign', '-e'];
    const name = `gpg -z 0 ${flags.join(' ')} --armor`;
    const run = await timed('gpg', [
      '--homedir',
      gnupg,
      '--batch',
      '--yes',
      '--trust-model',
      'always',
      '-z',
      '0',
      '--armor',
      ...flags,
      '-r',
      'alice@example.org',
      '-u',
      'me@example.net',
      '-o',
      file('peer.asc'),
      attachment,
    ]);
    return { name, run };
  }
  const common = ['-stream', '-in', attachment, '-out', file('peer.p7m')];
  const signArgs = [
    'cms',
    '-sign',
    '-binary',
    '-signer',
    file('me.crt'),
    '-inkey',
    file('me.key'),
    ...common,
  ];
  const encArgs = [
    'cms',
    '-encrypt',
    '-binary',
    '-aes-256-gcm',
    '-recip',
    file('bob.pem'),
    ...common,
  ];
  if (mode === 'encrypt')
    return { name: 'openssl cms -encrypt -stream', run: await timed('openssl', encArgs) };
  if (mode === 'sign')
    return { name: 'openssl cms -sign -stream', run: await timed('openssl', signArgs) };
  // sign, then encrypt the signed result (what a script does); times added, RSS the larger.
  const s = await timed('openssl', signArgs);
  const e = await timed('openssl', [
    'cms',
    '-encrypt',
    '-binary',
    '-aes-256-gcm',
    '-recip',
    file('bob.pem'),
    '-stream',
    '-in',
    file('peer.p7m'),
    '-out',
    file('peer2.p7m'),
  ]);
  return {
    name: 'openssl cms -sign | -encrypt',
    run: {
      seconds: s.seconds + e.seconds,
      rssMb: Math.max(s.rssMb, e.rssMb),
      cpuSeconds: s.cpuSeconds + e.cpuSeconds,
    },
  };
}

const rows: string[][] = [];
const schemes = (['pgp', 'smime'] as const).filter((s) => !values.only || values.only === s);
for (const scheme of schemes) {
  for (const mode of ['encrypt', 'sign', 'sign+encrypt'].filter(
    (m) => !values.mode || values.mode === m,
  )) {
    const peers: { name: string; run: Run }[] = [];
    for (let i = 0; i < RUNS; i++) peers.push(await peer(scheme, mode));
    const base = { name: peers[0]!.name, run: median(peers.map((p) => p.run)) };
    for (const to of ['out', 'server'] as const) {
      if (to === 'server' && mode === 'sign') continue;
      if (values.to && values.to !== to) continue;
      const builds = baseline ? [bin, baseline] : [bin];
      const runs = new Map<string, Run[]>(builds.map((b) => [b, []]));
      let failed = false;
      for (let i = 0; i < RUNS && !failed; i++) {
        for (const b of builds) {
          try {
            runs.get(b)!.push(await sealpost(scheme, mode, to, b));
          } catch (err) {
            failed = true;
            console.error(String(err).slice(-700));
          }
        }
      }
      for (const b of builds) {
        const label = `${scheme} ${mode} ${to === 'out' ? '--dry-run --out' : 'to server'}`;
        const cell = failed ? ['failed', '', '', '', ''] : cells(median(runs.get(b)!), base.run);
        rows.push([
          b === bin ? label : `${label} (baseline)`,
          ...cell.slice(0, 2),
          `${base.run.seconds.toFixed(2)} s, ${base.run.rssMb.toFixed(0)} MB (${base.name})`,
          cell[2]!,
          cell[3]!,
          `${base.run.cpuSeconds.toFixed(2)} s`,
          cell[4]!,
        ]);
      }
    }
  }
}

/** The run with the median wall time; the peak RSS is the largest of all. */
function median(all: readonly Run[]): Run {
  const sorted = [...all].sort((a, b) => a.seconds - b.seconds);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const cpu = [...all].map((r) => r.cpuSeconds).sort((a, b) => a - b);
  return {
    seconds: mid.seconds,
    rssMb: Math.max(...all.map((r) => r.rssMb)),
    cpuSeconds: cpu[Math.floor((cpu.length - 1) / 2)]!,
  };
}

function cells(r: Run, peer: Run): string[] {
  return [
    `${r.seconds.toFixed(2)} s`,
    `${r.rssMb.toFixed(0)} MB`,
    `${(r.seconds / peer.seconds).toFixed(1)}×`,
    `${r.cpuSeconds.toFixed(2)} s`,
    `${(r.cpuSeconds / Math.max(peer.cpuSeconds, 0.01)).toFixed(1)}×`,
  ];
}

await server.close();
await rm(dir, { recursive: true, force: true });

console.log(
  `\nsealpost send, ${MIB} MiB attachment (peak RSS of the process; CPU = user + system, all threads)\n`,
);
const header = ['path', 'sealpost', 'RSS', 'peer', 'ratio', 'CPU', 'peer CPU', 'CPU ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

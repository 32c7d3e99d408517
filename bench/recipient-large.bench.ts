/**
 * `sealpost decrypt --out` and `sealpost verify` of a large PGP/MIME and S/MIME message, as a
 * user runs them (issue 12 target 1, the recipient side): the BUILT binary
 * (the launcher `apps/cli/dist/sealpost`) under `/usr/bin/time -v`, beside, in the same run, `gpg --decrypt`
 * of the same file and `gpg --verify` of the same signature over the same signed part
 * (extracted beforehand, untimed: gpg reads no MIME), and `openssl cms -decrypt` / `-verify`
 * of the same S/MIME files. The messages are made with `sealpost send --dry-run --out` to
 * about --mib MiB.
 * Run: pnpm --filter @sealpost/bench exec tsx recipient-large.bench.ts [--mib N] (default 100;
 *      --mib 1024 for 1 GiB) [--runs N] (default 1; the figures are the medians)
 *      [--scheme pgp|smime|both] (default both) [--baseline DIR/dist/sealpost or bin.js] (an older build's
 *      binary, run interleaved with this one: its time and peak RSS in a column of their own)
 * Up to 8 MiB (e.g. --mib 7.5) decrypt and verify print the inner message: rows for that too.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sharedTestCa } from '@sealpost/testkit';
import { type Run, timed, writeRandomFile } from './gnu-time.js';

const { values } = parseArgs({
  options: {
    mib: { type: 'string' },
    runs: { type: 'string' },
    scheme: { type: 'string' },
    baseline: { type: 'string' },
  },
});
const MIB = Number(values.mib ?? 100);
const RUNS = Number(values.runs ?? 1);
const SCHEME = values.scheme ?? 'both';
const PGP = SCHEME !== 'smime';
const SMIME = SCHEME !== 'pgp';
/** An older build's bin.js (a copy of apps/cli/dist with its package.json one level up). */
const BASELINE = values.baseline;
const here = dirname(fileURLToPath(import.meta.url));
// The launcher users run (start-up snapshot, decision 0143).
const bin = join(here, '../apps/cli/dist/sealpost');
const dir = await mkdtemp(join(tmpdir(), 'sealpost-bench-recipient-'));
const file = (name: string) => join(dir, name);

// gpg makes the keys, so its own runs use the same ones.
const gnupg = file('gnupg');
mkdirSync(gnupg, { mode: 0o700 });
const gpgArgs = ['--homedir', gnupg, '--batch', '--yes', '--quiet', '--trust-model', 'always'];
const gpg = (...args: string[]) => spawnSync('gpg', [...gpgArgs, ...args], { encoding: 'utf8' });
for (const uid of ['alice@example.org', 'me@example.net'])
  gpg('--passphrase', '', '--quick-gen-key', uid, 'future-default', 'default', 'never');
const secret = (uid: string) =>
  gpg('--armor', '--pinentry-mode', 'loopback', '--passphrase', '', '--export-secret-keys', uid)
    .stdout;
writeFileSync(file('alice.asc'), gpg('--armor', '--export', 'alice@example.org').stdout);
writeFileSync(file('me.asc'), gpg('--armor', '--export', 'me@example.net').stdout);
writeFileSync(file('alice.sec.asc'), secret('alice@example.org'));
writeFileSync(file('me.sec.asc'), secret('me@example.net'));

const XDG = { HOME: dir, XDG_CONFIG_HOME: file('xdg'), XDG_DATA_HOME: file('data'), TMPDIR: dir };

/**
 * A message of about MIB MiB: armor of base64 (PGP) or base64 of base64 (S/MIME) grows the
 * attachment ~1.85×, base64 alone ~1.37×.
 */
async function message(name: string, encrypt: boolean, flags: readonly string[]): Promise<string> {
  const attachment = file(`${name}.bin`);
  await writeRandomFile(attachment, Math.round((MIB * 1024 * 1024) / (encrypt ? 1.85 : 1.37)));
  const out = file(`${name}.eml`);
  await timed(
    bin,
    [
      'send',
      '--from',
      'me@example.net',
      '--to',
      'alice@example.org',
      '--subject',
      'large',
      '--text',
      'see attached',
      '--attach',
      attachment,
      ...flags,
      '--dry-run',
      '--out',
      out,
    ],
    XDG,
  );
  rmSync(attachment);
  return out;
}
const pgpSign = ['--sign', 'pgp', '--sign-key', file('me.sec.asc')];
const encrypted = PGP
  ? await message('signed-encrypted', true, [
      ...pgpSign,
      ...['--encrypt', 'pgp', '--key', file('alice.asc')],
    ])
  : '';
const signed = PGP ? await message('signed', false, [...pgpSign, '--encrypt', 'none']) : '';

// S/MIME: RSA-2048 certificates of the test CA, which openssl is given too.
if (SMIME) {
  const ca = await sharedTestCa();
  const [alice, me] = await Promise.all([
    ca.issueEmailCertificate('alice@example.org', { keyType: 'rsa-2048' }),
    ca.issueEmailCertificate('me@example.net', { keyType: 'rsa-2048' }),
  ]);
  writeFileSync(file('ca.pem'), ca.certPem);
  writeFileSync(file('alice.pem'), alice.certPem);
  writeFileSync(file('alice.key'), alice.keyPem);
  writeFileSync(file('alice-identity.pem'), `${alice.certPem}${alice.keyPem}`);
  writeFileSync(file('me-identity.pem'), `${me.certPem}${me.keyPem}`);
}
const smimeSign = ['--sign', 'smime', '--sign-key', file('me-identity.pem')];
const smimeAnchor = ['--anchor', file('ca.pem')];
const smimeEncrypted = SMIME
  ? await message('smime-signed-encrypted', true, [
      ...smimeSign,
      ...smimeAnchor,
      ...['--encrypt', 'smime', '--key', file('alice.pem')],
    ])
  : '';
const smimeSigned = SMIME
  ? await message('smime-signed', false, [...smimeSign, ...smimeAnchor, '--encrypt', 'none'])
  : '';

// gpg --verify needs the signed part and the signature as files (RFC 3156 §5: the first part's
// exact bytes, CRLF); cut from the message here, outside the timing.
if (PGP) {
  // As a Buffer: a 1 GiB message is longer than the longest string V8 makes.
  const bytes = readFileSync(signed);
  const head = bytes.subarray(0, bytes.indexOf('\r\n\r\n') + 4).toString('latin1');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
  const open = `--${boundary}\r\n`;
  const start = bytes.indexOf(open, head.length) + open.length;
  const end = bytes.indexOf(`\r\n--${boundary}`, start);
  writeFileSync(file('signed-part.bin'), bytes.subarray(start, end));
  const rest = bytes.subarray(end).toString('latin1');
  const signature = /-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/.exec(rest);
  writeFileSync(file('signature.asc'), signature?.[0] ?? '');
}

const median = (runs: Run[]): Run => {
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { seconds: mid(runs.map((r) => r.seconds)), rssMb: mid(runs.map((r) => r.rssMb)) };
};
const fresh = (name: string, i: number) => {
  const path = file(`${name}-${i}.out`);
  rmSync(path, { force: true });
  return path;
};

const load = loadavg()[0]!.toFixed(1);
/** A sealpost command line; `i` names a fresh --out file per run. */
interface Job {
  readonly path: string;
  readonly size: number;
  readonly args: (i: number) => string[];
  readonly peerName: string;
  readonly peer: (i: number) => Promise<Run>;
}
// Up to 8 MiB decrypt and verify print the inner message (decision 0142): rows for that too.
const printed = (path: string) => statSync(path).size <= 8 * 1024 * 1024;
const gpgVerify = () =>
  timed('gpg', [...gpgArgs, '--verify', file('signature.asc'), file('signed-part.bin')]);
const pgpDecryptArgs = ['decrypt', encrypted, '--key', file('alice.sec.asc'), '--verify-key'];
const pgpJobs = (): Job[] => [
  {
    path: 'PGP decrypt --out (sign+encrypt)',
    size: statSync(encrypted).size,
    args: (i) => [...pgpDecryptArgs, file('me.asc'), '--out', fresh('sealpost-decrypt', i)],
    peerName: 'gpg --decrypt -o',
    peer: (i) => timed('gpg', [...gpgArgs, '--decrypt', '-o', fresh('gpg-decrypt', i), encrypted]),
  },
  ...(printed(encrypted)
    ? [
        {
          path: 'PGP decrypt, printed (sign+encrypt)',
          size: statSync(encrypted).size,
          args: () => [...pgpDecryptArgs, file('me.asc')],
          peerName: 'gpg --decrypt',
          peer: () => timed('gpg', [...gpgArgs, '--decrypt', encrypted]),
        },
      ]
    : []),
  {
    path: `PGP verify${printed(signed) ? ', printed' : ''} (multipart/signed)`,
    size: statSync(signed).size,
    args: () => ['verify', signed, '--key', file('me.asc')],
    peerName: 'gpg --verify sig part',
    peer: gpgVerify,
  },
  {
    path: 'PGP verify --out (multipart/signed)',
    size: statSync(signed).size,
    args: (i) => ['verify', signed, '--key', file('me.asc'), '--out', fresh('sealpost-verify', i)],
    peerName: 'gpg --verify sig part',
    peer: gpgVerify,
  },
];
// openssl checks the signer chain against the same CA; -decrypt does not verify the signature
// inside (that would be a second openssl run), sealpost's decrypt does.
const opensslVerify = (i: number) =>
  timed('openssl', [
    'cms',
    '-verify',
    '-in',
    smimeSigned,
    '-CAfile',
    file('ca.pem'),
    '-out',
    fresh('openssl-verify', i),
  ]);
const smimeDecryptArgs = ['decrypt', smimeEncrypted, '--key', file('alice-identity.pem')];
const opensslDecrypt = (out: string) =>
  timed('openssl', [
    'cms',
    '-decrypt',
    '-in',
    smimeEncrypted,
    '-inkey',
    file('alice.key'),
    '-recip',
    file('alice.pem'),
    '-out',
    out,
  ]);
const smimeJobs = (): Job[] => [
  {
    path: 'S/MIME decrypt --out (sign+encrypt)',
    size: statSync(smimeEncrypted).size,
    args: (i) => [...smimeDecryptArgs, ...smimeAnchor, '--out', fresh('sealpost-smime-decrypt', i)],
    peerName: 'openssl cms -decrypt',
    peer: (i) => opensslDecrypt(fresh('openssl-decrypt', i)),
  },
  ...(printed(smimeEncrypted)
    ? [
        {
          path: 'S/MIME decrypt, printed (sign+encrypt)',
          size: statSync(smimeEncrypted).size,
          args: () => [...smimeDecryptArgs, ...smimeAnchor],
          peerName: 'openssl cms -decrypt',
          peer: () => opensslDecrypt('/dev/null'),
        },
      ]
    : []),
  {
    path: `S/MIME verify${printed(smimeSigned) ? ', printed' : ''} (multipart/signed)`,
    size: statSync(smimeSigned).size,
    args: () => ['verify', smimeSigned, ...smimeAnchor],
    peerName: 'openssl cms -verify',
    peer: opensslVerify,
  },
  {
    path: 'S/MIME verify --out (multipart/signed)',
    size: statSync(smimeSigned).size,
    args: (i) => [
      'verify',
      smimeSigned,
      ...smimeAnchor,
      '--out',
      fresh('sealpost-smime-verify', i),
    ],
    peerName: 'openssl cms -verify',
    peer: opensslVerify,
  },
];
const jobs = [...(PGP ? pgpJobs() : []), ...(SMIME ? smimeJobs() : [])];
const sealpost = (binary: string, args: string[]) =>
  binary.endsWith('.js')
    ? timed(process.execPath, [binary, ...args], XDG)
    : timed(binary, args, XDG);
const figure = (run: Run) => `${run.seconds.toFixed(2)} s, ${run.rssMb.toFixed(0)} MB`;
const rows: string[][] = [];
for (const job of jobs) {
  // Interleaved: the peer, sealpost and the baseline build see the same load.
  const peerRuns: Run[] = [];
  const ourRuns: Run[] = [];
  const baselineRuns: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    peerRuns.push(await job.peer(i));
    ourRuns.push(await sealpost(bin, job.args(i)));
    if (BASELINE) baselineRuns.push(await sealpost(BASELINE, job.args(RUNS + i)));
  }
  const [peer, ours] = [median(peerRuns), median(ourRuns)];
  rows.push([
    `${job.path}, ${(job.size / 1024 / 1024).toFixed(job.size < 10 * 1024 * 1024 ? 1 : 0)} MiB`,
    `${ours.seconds.toFixed(2)} s`,
    `${ours.rssMb.toFixed(0)} MB`,
    ...(BASELINE ? [figure(median(baselineRuns))] : []),
    `${figure(peer)} (${job.peerName})`,
    `${(ours.seconds / peer.seconds).toFixed(1)}×`,
  ]);
}
await rm(dir, { recursive: true, force: true });

console.log(
  `\nsealpost decrypt / verify of a ~${MIB} MiB ${SCHEME === 'both' ? 'PGP/MIME and S/MIME' : SCHEME === 'pgp' ? 'PGP/MIME' : 'S/MIME'} message (peak RSS; load average ${load} at the start)\n`,
);
const header = ['path', 'sealpost', 'RSS', ...(BASELINE ? ['baseline'] : []), 'peer', 'time ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log(
  '\nTarget (issue 12): peak RSS ≤ 150 MB at 100 MiB and at 1 GiB (not growing with the size).',
);

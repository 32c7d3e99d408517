/**
 * `sealpost send` with a large attachment, as a user runs it (issue 12): the BUILT binary is
 * spawned under `/usr/bin/time -v` for PGP and S/MIME, encrypt / sign / sign+encrypt, with
 * `--dry-run --out` and to a local submission sink (STARTTLS), and compared with the peer tool
 * on the same attachment in the same run: `gpg -z 0` and `openssl cms -stream`.
 * Run: pnpm --filter @sealpost/bench exec tsx --conditions=@sealpost/source send-large.bench.ts
 *      [--mib N] (default 100; --mib 1024 for 1 GiB) [--only pgp|smime]
 *      [--mode encrypt|sign|sign+encrypt] [--to out|server] [--runs N] (median of N)
 *      [--command send|sendmail] (default both: `sendmail -t` reads the same attachment as a
 *      prepared base64 message on stdin, and its peers read that message file)
 *      [--sink smtp-server|postfix] (the server: testkit's smtp-server sink, the default, or a
 *      local Postfix on 587 with STARTTLS and AUTH, as in the issue; Postfix needs root)
 * BENCH_BASELINE=DIR/dist/bin.js adds an older build (a copy of apps/cli/dist made before a
 * change, its package.json one level up) to the same runs, interleaved with this one.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sharedTestCa, startPostfix, startSubmissionServer } from '@sealpost/testkit';
import { type Run, timed, writeRandomFile } from './gnu-time.js';
import { writeMsmtpRc } from './msmtp.js';

const { values } = parseArgs({
  options: {
    mib: { type: 'string' },
    only: { type: 'string' },
    mode: { type: 'string' },
    to: { type: 'string' },
    runs: { type: 'string' },
    sink: { type: 'string' },
    command: { type: 'string' },
  },
});
const SINK = values.sink ?? 'smtp-server';
if (SINK !== 'smtp-server' && SINK !== 'postfix') throw new Error('--sink smtp-server|postfix');
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

/** What `sendmail` reads on stdin: a message whose body is the attachment in base64, LF lines. */
async function writeMessageFile(path: string, to: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(
    `From: me@example.net\nTo: ${to}\nSubject: large\nMIME-Version: 1.0\n` +
      'Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n',
  );
  // 57 input octets make one 76-character line.
  for await (const chunk of createReadStream(attachment, { highWaterMark: 57 * 4096 })) {
    const b64 = (chunk as Buffer).toString('base64');
    const lines: string[] = [];
    for (let at = 0; at < b64.length; at += 76) lines.push(b64.slice(at, at + 76));
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}
const COMMANDS = (['send', 'sendmail'] as const).filter(
  (c) => !values.command || values.command === c,
);
const messageFile = (scheme: 'pgp' | 'smime') => file(`message-${scheme}.eml`);
if (COMMANDS.includes('sendmail')) {
  await writeMessageFile(messageFile('pgp'), 'alice@example.org');
  await writeMessageFile(messageFile('smime'), 'bob@example.org');
}
// The server of the "to server" rows: testkit's smtp-server sink (JavaScript, in this
// process, on the same cores) or a real Postfix, which queues and then delivers to a Maildir.
const sink = SINK === 'postfix' ? await startPostfixSink() : await startSmtpServerSink();

async function startSmtpServerSink() {
  const tls = await ca.issueServerCertificate();
  const server = await startSubmissionServer({
    mode: 'starttls',
    certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
    size: 4 * 1024 * 1024 * 1024,
    keepData: false,
  });
  writeFileSync(file('server-ca.pem'), ca.certPem);
  return {
    args: [
      '--server',
      `127.0.0.1:${server.port}`,
      '--tls',
      'starttls',
      '--ca',
      file('server-ca.pem'),
    ],
    env: {},
    delivered: async () => {},
    close: () => server.close(),
  };
}

async function startPostfixSink() {
  const postfix = await startPostfix({
    messageSizeLimit: 4 * MIB * 1024 * 1024 + 64 * 1024 * 1024,
  });
  writeFileSync(file('server-ca.pem'), postfix.caPem);
  // The peer's way to the same server: its output, under a header, piped to msmtp.
  writeMsmtpRc(file('msmtprc'), {
    host: postfix.host,
    port: postfix.startTlsPort,
    caFile: file('server-ca.pem'),
    from: 'me@example.net',
    auth: { user: postfix.user, password: postfix.password },
  });
  const incoming = join(postfix.maildir, 'new');
  return {
    args: [
      '--server',
      `${postfix.host}:${postfix.startTlsPort}`,
      '--tls',
      'starttls',
      '--ca',
      file('server-ca.pem'),
      '--user',
      postfix.user,
      '--password-env',
      'BENCH_SMTP_PASSWORD',
    ],
    env: { BENCH_SMTP_PASSWORD: postfix.password },
    // Delivery runs after the 250 to DATA: wait for it (untimed) so that it does not compete
    // with the next run, then remove the message.
    delivered: async () => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        let names: string[] = [];
        try {
          names = readdirSync(incoming);
        } catch {}
        if (names.length > 0) {
          for (const name of names) rmSync(join(incoming, name));
          return;
        }
        if (Date.now() > deadline)
          throw new Error(`Postfix delivered nothing:\n${postfix.logs().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => postfix.stop(),
  };
}

const XDG = { HOME: dir, XDG_CONFIG_HOME: file('xdg'), XDG_DATA_HOME: file('data') };
async function sealpost(
  scheme: 'pgp' | 'smime',
  mode: string,
  to: 'out' | 'server',
  binary: string,
  command: 'send' | 'sendmail',
): Promise<Run> {
  const encrypt = mode !== 'sign';
  const sign = mode !== 'encrypt';
  const rcpt = scheme === 'pgp' ? 'alice@example.org' : 'bob@example.org';
  const message =
    command === 'send'
      ? [
          ...['send', '--from', 'me@example.net', '--to', rcpt, '--subject', 'large'],
          ...['--text', 'see attached', '--attach', attachment],
        ]
      : ['sendmail', '-t'];
  const args = [
    ...message,
    '--encrypt',
    encrypt ? scheme : 'none',
    ...(sign ? ['--sign', scheme] : []),
    '--key',
    file(scheme === 'pgp' ? 'alice.asc' : 'bob.pem'),
    ...(scheme === 'smime' ? ['--anchor', file('ca.pem')] : []),
    ...(sign ? ['--sign-key', file(scheme === 'pgp' ? 'me.sec.asc' : 'me.pem')] : []),
    ...(to === 'out' ? ['--dry-run', '--out', file('out.eml')] : sink.args),
  ];
  // Each run writes a new --out file, as a user's run usually does (an existing one is
  // overwritten by a copy; a new one can be the spool file's second name, decision 0141).
  rmSync(file('out.eml'), { force: true });
  // The launcher is run as users run it; an older build's bin.js (BENCH_BASELINE) with node.
  const env = { ...XDG, ...(to === 'server' ? sink.env : {}) };
  const stdin = command === 'sendmail' ? messageFile(scheme) : undefined;
  const run = binary.endsWith('.js')
    ? await timed(process.execPath, [binary, ...args], env, stdin)
    : await timed(binary, args, env, stdin);
  if (to === 'server') await sink.delivered();
  return run;
}

/** The peer tool on `input`: the attachment for `send`, the message file for `sendmail`. */
async function peer(
  scheme: 'pgp' | 'smime',
  mode: string,
  input: string,
): Promise<{ name: string; run: Run }> {
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
      input,
    ]);
    return { name, run };
  }
  const common = ['-stream', '-in', input, '-out', file('peer.p7m')];
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

/** The peer's output file of `mode`, sent by msmtp under a small header to the Postfix sink. */
async function peerToPostfix(scheme: 'pgp' | 'smime', mode: string, input: string): Promise<Run> {
  const made = (await peer(scheme, mode, input)).run;
  const output = scheme === 'pgp' ? 'peer.asc' : mode === 'sign+encrypt' ? 'peer2.p7m' : 'peer.p7m';
  const rcpt = scheme === 'pgp' ? 'alice@example.org' : 'bob@example.org';
  const script = `{ printf 'From: me@example.net\\nTo: ${rcpt}\\nSubject: large\\n\\n'; cat "$1"; } | msmtp -C "$2" ${rcpt}`;
  const sent = await timed('sh', ['-c', script, 'sh', file(output), file('msmtprc')]);
  await sink.delivered();
  return {
    seconds: made.seconds + sent.seconds,
    rssMb: Math.max(made.rssMb, sent.rssMb),
    cpuSeconds: made.cpuSeconds + sent.cpuSeconds,
  };
}

const rows: string[][] = [];
const schemes = (['pgp', 'smime'] as const).filter((s) => !values.only || values.only === s);
for (const command of COMMANDS) {
  for (const scheme of schemes) {
    const input = command === 'send' ? attachment : messageFile(scheme);
    for (const mode of ['encrypt', 'sign', 'sign+encrypt'].filter(
      (m) => !values.mode || values.mode === m,
    )) {
      const peers: { name: string; run: Run }[] = [];
      for (let i = 0; i < RUNS; i++) peers.push(await peer(scheme, mode, input));
      const base = { name: peers[0]!.name, run: median(peers.map((p) => p.run)) };
      for (const to of ['out', 'server'] as const) {
        if (to === 'server' && mode === 'sign') continue;
        if (values.to && values.to !== to) continue;
        // With Postfix, the peer of a "to server" row is the same job scripted: the peer
        // tool's output, then msmtp to the same Postfix (timed together).
        let rowPeer = base;
        if (to === 'server' && SINK === 'postfix') {
          const all: Run[] = [];
          for (let i = 0; i < RUNS; i++) all.push(await peerToPostfix(scheme, mode, input));
          rowPeer = { name: `${base.name}, then msmtp`, run: median(all) };
        }
        const builds = baseline ? [bin, baseline] : [bin];
        const runs = new Map<string, Run[]>(builds.map((b) => [b, []]));
        let failed = false;
        for (let i = 0; i < RUNS && !failed; i++) {
          for (const b of builds) {
            try {
              runs.get(b)!.push(await sealpost(scheme, mode, to, b, command));
            } catch (err) {
              failed = true;
              console.error(String(err).slice(-700));
            }
          }
        }
        for (const b of builds) {
          const where = to === 'out' ? '--dry-run --out' : `to ${SINK}`;
          const label = `${command} ${scheme} ${mode} ${where}`;
          const cell = failed
            ? ['failed', '', '', '', '']
            : cells(median(runs.get(b)!), rowPeer.run);
          rows.push([
            b === bin ? label : `${label} (baseline)`,
            ...cell.slice(0, 2),
            `${rowPeer.run.seconds.toFixed(2)} s, ${rowPeer.run.rssMb.toFixed(0)} MB (${rowPeer.name})`,
            cell[2]!,
            cell[3]!,
            `${rowPeer.run.cpuSeconds.toFixed(2)} s`,
            cell[4]!,
          ]);
        }
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

await sink.close();
await rm(dir, { recursive: true, force: true });

console.log(
  `\nsealpost send / sendmail, ${MIB} MiB attachment (peak RSS of the process; CPU = user + system, all threads)\n`,
);
const header = ['path', 'sealpost', 'RSS', 'peer', 'ratio', 'CPU', 'peer CPU', 'CPU ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

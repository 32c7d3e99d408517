// The `sealpost` launcher (apps/cli/dist/sealpost, decision 0143): it starts Node from the
// start-up snapshot only when that snapshot fits — built by this very node binary, no
// NODE_OPTIONS, not older than bin.js — and runs bin.js otherwise, with the same result.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateKey } from '@sealpost/pgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, bin, runCli } from './run-cli.js';

const dist = dirname(bin);
let dir: string;

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-launcher-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The command line of the node process the launcher became. `args` must keep it waiting
 * (`sendmail -t` and `inspect -` wait for stdin, `keys import FIFO` for a writer), so that the
 * process is still there to be looked at.
 */
async function nodeCommandLine(
  launcher: string,
  env: NodeJS.ProcessEnv = {},
  args: readonly string[] = ['sendmail', '-t'],
): Promise<string[]> {
  const child: ChildProcess = spawn(launcher, args, {
    env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: dir, ...env },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const closed = new Promise((resolve) => child.once('close', resolve));
  try {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'latin1').split('\0');
      if (argv.includes(args.at(-1)!) && !argv.some((a) => a.endsWith('/sh') || a === 'sh')) {
        // Once exec'd, argv[0] is node; the shell is gone.
        if (!/(^|\/)sh$/.test(argv[0] ?? '')) return argv.filter(Boolean);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error('the launcher did not exec node within 10 s');
  } finally {
    child.kill('SIGKILL');
    await closed;
  }
}

/** A copy of dist/ made of links, with the launcher (and `own` files) as real files. */
function distCopy(name: string, own: Record<string, (path: string) => void> = {}): string {
  const copy = join(dir, name, 'dist');
  spawnSync('mkdir', ['-p', copy]);
  symlinkSync(join(dist, '..', 'package.json'), join(dir, name, 'package.json'));
  for (const file of readdirSync(dist)) {
    const target = join(copy, file);
    if (file === 'sealpost') copyFileSync(join(dist, file), target);
    else if (own[file]) own[file](target);
    else symlinkSync(join(dist, file), target);
  }
  return join(copy, 'sealpost');
}

const linux = existsSync('/proc/self/cmdline');

describe.runIf(linux)('the sealpost launcher', () => {
  it('starts node from the start-up snapshot that this node built', async () => {
    const argv = await nodeCommandLine(bin);
    const at = argv.indexOf('--snapshot-blob');
    expect(at).toBeGreaterThan(0);
    expect(argv.slice(at + 1)).toEqual([join(dist, 'sealpost-send.blob'), bin, 'sendmail', '-t']);
    // The V8 flags the blob was built with (launcher.sh's v8_flags, snapshot_v8_flags and the
    // send blob's own): the young-generation limit that keeps large messages under 150 MB,
    // baseline code from the first call, and a young generation at that limit from the start.
    expect(argv.slice(1, at)).toEqual([
      '--max-semi-space-size=4',
      '--always-sparkplug',
      '--min-semi-space-size=4',
    ]);
  }, 30_000);

  it('starts each command from the smallest snapshot that holds it', async () => {
    const fifo = join(dir, 'key-fifo');
    spawnSync('mkfifo', [fifo]);
    const link = join(dir, 'snapshot-sendmail', 'sendmail');
    spawnSync('mkdir', ['-p', dirname(link)]);
    symlinkSync(bin, link);
    // Only the send snapshot starts with a 4 MB young generation (launcher.sh, blob_v8_flags).
    const minYoung = ['--min-semi-space-size=4'];
    const cases: [string, string[], string, string[]][] = [
      [bin, ['sendmail', '-t'], 'sealpost-send.blob', minYoung],
      [link, ['-t'], 'sealpost-send.blob', minYoung],
      [bin, ['inspect', '-'], 'sealpost-open.blob', []],
      [bin, ['keys', 'import', fifo], 'sealpost.blob', []],
    ];
    for (const [launcher, args, blob, own] of cases) {
      const argv = await nodeCommandLine(launcher, {}, args);
      const at = argv.indexOf('--snapshot-blob');
      expect(argv[at + 1], args.join(' ')).toBe(join(dist, blob));
      expect(argv.slice(1, at), args.join(' ')).toEqual([
        '--max-semi-space-size=4',
        '--always-sparkplug',
        ...own,
      ]);
    }
  }, 60_000);

  it('answers the same from each snapshot as from bin.js', () => {
    const env = { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: dir };
    for (const args of [
      ['send', '--help'],
      ['sendmail', '--help'],
      ['decrypt', '--help'],
      ['verify', '--help'],
      ['inspect', '--help'],
      ['--help'],
    ]) {
      const fromSnapshot = spawnSync(bin, args, { encoding: 'utf8', env });
      const fromBundle = spawnSync(process.execPath, [join(dist, 'bin.js'), ...args], {
        encoding: 'utf8',
        env,
      });
      expect(fromSnapshot.status, fromSnapshot.stderr).toBe(fromBundle.status);
      expect(fromSnapshot.stderr).toBe(fromBundle.stderr);
      expect(fromSnapshot.stdout, args.join(' ')).toBe(fromBundle.stdout);
      expect(fromSnapshot.stdout.length).toBeGreaterThan(200);
    }
  }, 60_000);

  it('runs bin.js when the stamp names another node binary, with the same answer', async () => {
    const launcher = distCopy('other-node', {
      'sealpost.stamp': (path) => writeFileSync(path, '1 2 3 4 5\n'),
    });
    const argv = await nodeCommandLine(launcher);
    expect(argv).not.toContain('--snapshot-blob');
    expect(argv.at(-3)).toBe(join(dirname(launcher), 'bin.js'));
    // bin.js compiles from source: baseline code for every function would slow it down.
    expect(argv.slice(1, -3)).toEqual(['--max-semi-space-size=4']);
    const fallback = spawnSync(launcher, ['--version'], { encoding: 'utf8' });
    const snapshot = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(fallback.status, fallback.stderr).toBe(0);
    expect(fallback.stderr).toBe('');
    expect(fallback.stdout).toBe(snapshot.stdout);
  }, 30_000);

  it('runs bin.js when bin.js is newer than the snapshot (rebuilt without it)', async () => {
    const launcher = distCopy('stale', {
      'bin.js': (path) => {
        copyFileSync(join(dist, 'bin.js'), path);
        const later = new Date(Date.now() + 60_000);
        utimesSync(path, later, later);
      },
    });
    const argv = await nodeCommandLine(launcher);
    expect(argv).not.toContain('--snapshot-blob');
    expect(argv.at(-3)).toBe(join(dirname(launcher), 'bin.js'));
  }, 30_000);

  it('runs bin.js when NODE_OPTIONS is set: Node refuses a snapshot under other V8 flags', async () => {
    const env = { NODE_OPTIONS: '--max-old-space-size=512' };
    const argv = await nodeCommandLine(bin, env);
    expect(argv).not.toContain('--snapshot-blob');
    const r = spawnSync(bin, ['errors', 'EAUTH', '--json'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
    });
    expect(r.stderr).not.toContain('startup snapshot');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).codes[0].code).toBe('EAUTH');
  }, 30_000);

  it('answers as sendmail when linked under that name', () => {
    const link = join(dir, 'sendmail');
    symlinkSync(bin, link);
    const r = spawnSync(link, ['-bv'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.stderr).toContain('sendmail -b');
    expect(r.status).not.toBe(0);
  });

  it('draws fresh randomness in every run: Message-ID, MIME boundary and session key differ', async () => {
    // The snapshot restores the heap as the build's warm-up left it: anything random cached in
    // JavaScript (Node's batch of pre-drawn UUIDs, say) would repeat in every run.
    const key = await generateKey({ userIds: [{ email: 'bob@example.org' }] });
    writeFileSync(join(dir, 'bob.asc'), key.armoredPublicKey);
    writeFileSync(join(dir, 'note.txt'), 'attached\n');
    const sent: string[] = [];
    for (const n of [1, 2]) {
      const out = join(dir, `random-${n}.eml`);
      const r = await runCli(
        [
          ...['send', '--from', 'me@example.org', '--to', 'bob@example.org', '--subject', 's'],
          ...['--text', 't', '--attach', join(dir, 'note.txt'), '--encrypt', 'pgp'],
          ...['--key', join(dir, 'bob.asc'), '--keyring', join(dir, 'kr'), '--dry-run'],
          ...['--out', out],
        ],
        { env: { HOME: dir, XDG_CONFIG_HOME: dir } },
      );
      expect(r.code, r.stderr).toBe(0);
      sent.push(readFileSync(out, 'latin1'));
    }
    const [first, second] = sent as [string, string];
    const field = (text: string, re: RegExp) => re.exec(text)?.[1];
    for (const re of [/^Message-ID: (\S+)/im, /boundary="([^"]+)"/i]) {
      expect(field(first, re)).toBeDefined();
      expect(field(first, re)).not.toBe(field(second, re));
    }
    const ciphertext = (text: string) =>
      text.split('-----BEGIN PGP MESSAGE-----')[1]?.slice(0, 200);
    expect(ciphertext(first)).toBeDefined();
    expect(ciphertext(first)).not.toBe(ciphertext(second));
  }, 60_000);
});

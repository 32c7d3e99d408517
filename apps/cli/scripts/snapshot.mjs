/**
 * Builds the `sealpost` start-up snapshots (docs/decisions/0143): for each entry of
 * {@link SNAPSHOTS}, `dist/<name>.cjs` (the CLI as one CommonJS bundle, entry
 * src/snapshot/snapshot-entry.ts, holding only that snapshot's commands) and `dist/<name>.blob`
 * (Node's heap after that entry loaded the CLI and warmed up those commands); then
 * `dist/sealpost.stamp` (which node binary built them) and the launcher `dist/sealpost`, which
 * picks the snapshot by the command.
 *
 * Runs after scripts/bundle.mjs; like it, reads the workspace libraries from their `dist`.
 * When the snapshots cannot be made (another Node, a warm-up that left data behind), the build
 * says why and goes on without them: the launcher then runs bin.js, and the e2e test that
 * expects the snapshot fails, so CI does not miss it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { cliBundleOptions } from './bundle-options.mjs';
import { writeWarmUpFixtures } from './snapshot-fixtures.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
// The launcher's text: its `case` lines pick the snapshots, and its flag lines are the V8 flags
// each builder must get (see launcherPick and launcherV8Flags).
const launcher = readFileSync(join(root, 'scripts', 'launcher.sh'), 'utf8');

// openpgp.js's ES module build, when its initialisation is deferred the way esbuild defers a
// lazily imported module, leaves a native handle in the heap that V8 cannot serialise; its
// CommonJS build (the one `require('openpgp')` gets) does not.
const openpgpCjs = createRequire(createRequire(import.meta.url).resolve('@sealpost/pgp')).resolve(
  'openpgp',
);

/**
 * The snapshots and the commands each holds (`null`: all). The heap a run starts from costs ~4 ms
 * per MB to restore, so the commands scripts run one shot at a time get a smaller one of their
 * own: `send` and `sendmail` leave out the recipient side, `decrypt`, `verify` and `inspect`
 * leave out composing and SMTP. scripts/launcher.sh picks by the same lists.
 */
const SNAPSHOTS = [
  { name: 'sealpost', commands: null },
  { name: 'sealpost-send', commands: ['send', 'sendmail'] },
  { name: 'sealpost-open', commands: ['decrypt', 'verify', 'inspect'] },
];

// A failed build must not leave the snapshot of an older one next to a newer bin.js: without
// them the launcher runs bin.js.
for (const name of [...SNAPSHOTS.map((s) => `${s.name}.blob`), 'sealpost.stamp']) {
  rmSync(join(dist, name), { force: true });
}
copyFileSync(join(root, 'scripts', 'launcher.sh'), join(dist, 'sealpost'));
chmodSync(join(dist, 'sealpost'), 0o755);

/**
 * An esbuild plugin that leaves out of a bundle the command modules main.ts would load for
 * commands other than `commands`: each becomes a module that exports none (main.ts then finds
 * no such command). The launcher never gives such a bundle's snapshot another command.
 */
function onlyCommands(commands) {
  return {
    name: 'sealpost-only-commands',
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\/[a-z]+\.js$/ }, (args) => {
        if (!args.importer.endsWith(join('src', 'main.ts'))) return undefined;
        const command = /([a-z]+)\.js$/.exec(args.path)[1];
        return commands.includes(command)
          ? undefined
          : { path: command, namespace: 'sealpost-left-out' };
      });
      b.onLoad({ filter: /.*/, namespace: 'sealpost-left-out' }, () => ({
        loader: 'js',
        contents: 'export const COMMANDS = [];',
      }));
    },
  };
}

/** dist/<name>.cjs: the CLI (or its `commands`) as one CommonJS file, which `--build-snapshot` can run. */
async function bundleForSnapshot({ name, commands }) {
  const options = cliBundleOptions(root);
  await build({
    ...options,
    plugins: commands ? [...options.plugins, onlyCommands(commands)] : options.plugins,
    entryPoints: ['src/snapshot/snapshot-entry.ts'],
    outfile: join(dist, `${name}.cjs`),
    format: 'cjs',
    alias: { openpgp: openpgpCjs },
    define: { 'import.meta.url': 'globalThis.__sealpostModuleUrl' },
    // A process started from a snapshot has no dynamic-import callback: every import() (of
    // node:child_process, say) must become a require().
    supported: { 'dynamic-import': false },
    // A smaller heap starts faster; names are kept so that SEALPOST_DEBUG stacks still read.
    minifyWhitespace: true,
    minifySyntax: true,
  });
}

/** The launcher's line that picks `<name>.blob`: `<patterns>) blob=… blob_v8_flags='…' ;;`. */
function launcherPick(name) {
  const line = new RegExp(
    `^(.*)\\) blob=\\$dist/${name}\\.blob blob_v8_flags='([^']*)' ;;$`,
    'm',
  ).exec(launcher);
  if (!line) throw new Error(`scripts/launcher.sh has no line that picks ${name}.blob`);
  return { patterns: line[1], flags: line[2].split(' ').filter(Boolean) };
}

/**
 * The V8 flags the launcher starts `<name>.blob` with, which its builder must get too (Node
 * refuses a snapshot under other flags): v8_flags, snapshot_v8_flags, then that blob's own
 * blob_v8_flags.
 */
function launcherV8Flags(name) {
  const shared = ['v8_flags', 'snapshot_v8_flags'].flatMap((variable) => {
    const line = new RegExp(`^${variable}='([^']*)'$`, 'm').exec(launcher);
    if (!line) throw new Error(`scripts/launcher.sh has no ${variable}='…' line`);
    return line[1].split(' ').filter(Boolean);
  });
  return [...shared, ...launcherPick(name).flags];
}

/**
 * The launcher picks the snapshot with a `case` on the first argument; its lists must be
 * SNAPSHOTS' lists, or a command would start from a heap whose bundle left it out.
 */
function checkLauncherPicks() {
  for (const { name, commands } of SNAPSHOTS.filter((s) => s.commands)) {
    const picked = [...launcherPick(name).patterns.matchAll(/\*:([a-z]+)/g)].map((m) => m[1]);
    if (picked.sort().join() !== [...commands].sort().join()) {
      throw new Error(
        `scripts/launcher.sh starts ${picked.join(', ') || 'nothing'} from ${name}.blob, which holds ${commands.join(', ')}`,
      );
    }
  }
}

/**
 * `<work>/<name>.blob` from dist/<name>.cjs, warmed up on `commands` (all when null), or an
 * error saying why not.
 */
async function buildBlob(work, fixtures, mark, { name, commands }) {
  const heap = join(work, `${name}.heapsnapshot`);
  try {
    await promisify(execFile)(
      process.execPath,
      [
        ...launcherV8Flags(name),
        '--snapshot-blob',
        join(work, `${name}.blob`),
        '--build-snapshot',
        join(dist, `${name}.cjs`),
      ],
      {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? '',
          TMPDIR: work,
          SEALPOST_WARM_UP_DIR: fixtures,
          SEALPOST_WARM_UP_COMMANDS: commands ? commands.join(',') : '',
          SEALPOST_WARM_UP_HEAP: heap,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (err) {
    process.stderr.write(`${err.stdout ?? ''}${err.stderr ?? ''}`);
    throw new Error(
      `building the start-up snapshot ${name} failed (exit ${err.code ?? err.signal})`,
    );
  }
  // The heap after the warm-up, as a V8 heap snapshot (strings in clear): a cache or a
  // module variable that kept a key, an address or a message of the warm-up would show here.
  // (The blob itself is not searched: backing stores of live buffers may hold stale bytes of
  // freed ones, which no code can read as data.)
  if (readFileSync(heap, 'latin1').includes(mark)) {
    throw new Error(
      `the heap of ${name} still holds data of the snapshot warm-up; no snapshot was saved`,
    );
  }
  rmSync(heap);
}

/** dist/<name>.blob for every snapshot and dist/sealpost.stamp, or an error saying why not. */
async function buildSnapshots() {
  // The builders run in an empty directory with a minimal environment: nothing of the machine
  // that builds (its settings, keyrings, HOME) can reach the heap that is saved.
  const work = mkdtempSync(join(tmpdir(), 'sealpost-snapshot-build-'));
  // Every address and text of the warm-up carries this mark; none may stay in a heap.
  const mark = randomBytes(12).toString('hex');
  try {
    const fixtures = join(work, 'fixtures');
    mkdirSync(fixtures, { mode: 0o700 });
    await writeWarmUpFixtures(fixtures, mark);
    // All or none: a launcher that found one snapshot but not another would start some
    // commands from a heap older than bin.js.
    // Each builder gets its own copy: the warm-up writes there (its --out file, the keyring's
    // state, HOME), and the builders run side by side. Every builder ends before the work
    // directory goes; the first failure is the one told.
    const builds = await Promise.allSettled(
      SNAPSHOTS.map((snapshot) => {
        const own = join(work, `${snapshot.name}-fixtures`);
        cpSync(fixtures, own, { recursive: true });
        return buildBlob(work, own, mark, snapshot);
      }),
    );
    const failed = builds.find((b) => b.status === 'rejected');
    if (failed) throw failed.reason;
    // What the launcher compares with `stat -L -c '%d %i %s %Y'` of the node it finds.
    const node = statSync(process.execPath, { bigint: true });
    const seconds = (ns) => (ns / 1_000_000_000n).toString();
    writeFileSync(
      join(dist, 'sealpost.stamp'),
      `${node.dev} ${node.ino} ${node.size} ${seconds(node.mtimeNs)}\n`,
    );
    // Last: the launcher also needs each blob to be newer than bin.js.
    for (const { name } of SNAPSHOTS) {
      renameSync(join(work, `${name}.blob`), join(dist, `${name}.blob`));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  checkLauncherPicks();
  for (const snapshot of SNAPSHOTS) await bundleForSnapshot(snapshot);
  await buildSnapshots();
} catch (err) {
  for (const { name } of SNAPSHOTS) rmSync(join(dist, `${name}.blob`), { force: true });
  process.stderr.write(
    `\nsealpost: no start-up snapshot was built: ${err instanceof Error ? err.message : err}\n` +
      '  dist/sealpost runs dist/bin.js instead: the same commands, a slower start.\n\n',
  );
}

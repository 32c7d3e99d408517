/**
 * Builds the `sealpost` start-up snapshot (docs/decisions/0143): `dist/snapshot.cjs` (the CLI
 * as one CommonJS bundle, entry src/snapshot/snapshot-entry.ts), `dist/sealpost.blob` (Node's
 * heap after that entry loaded the CLI and warmed up the recipient commands),
 * `dist/sealpost.stamp` (which node binary built it) and the launcher `dist/sealpost`.
 *
 * Runs after scripts/bundle.mjs; like it, reads the workspace libraries from their `dist`.
 * When the snapshot cannot be made (another Node, a warm-up that left data behind), the build
 * says why and goes on without it: the launcher then runs bin.js, and the e2e test that
 * expects the snapshot fails, so CI does not miss it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
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
import { build } from 'esbuild';
import { cliBundleOptions } from './bundle-options.mjs';
import { writeWarmUpFixtures } from './snapshot-fixtures.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');

// openpgp.js's ES module build, when its initialisation is deferred the way esbuild defers a
// lazily imported module, leaves a native handle in the heap that V8 cannot serialise; its
// CommonJS build (the one `require('openpgp')` gets) does not.
const openpgpCjs = createRequire(createRequire(import.meta.url).resolve('@sealpost/pgp')).resolve(
  'openpgp',
);

// A failed build must not leave the snapshot of an older one next to a newer bin.js: without
// them the launcher runs bin.js.
for (const name of ['sealpost.blob', 'sealpost.stamp']) rmSync(join(dist, name), { force: true });
copyFileSync(join(root, 'scripts', 'launcher.sh'), join(dist, 'sealpost'));
chmodSync(join(dist, 'sealpost'), 0o755);

/** dist/snapshot.cjs: the CLI as one CommonJS file, which `--build-snapshot` can run. */
async function bundleForSnapshot() {
  await build({
    ...cliBundleOptions(root),
    entryPoints: ['src/snapshot/snapshot-entry.ts'],
    outfile: join(dist, 'snapshot.cjs'),
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

/** The V8 flags the launcher starts the snapshot with (`v8_flags`, `snapshot_v8_flags`): the builder's too. */
function launcherV8Flags() {
  const launcher = readFileSync(join(root, 'scripts', 'launcher.sh'), 'utf8');
  // The flags the launcher starts the snapshot with: v8_flags, then snapshot_v8_flags.
  return ['v8_flags', 'snapshot_v8_flags'].flatMap((name) => {
    const line = new RegExp(`^${name}='([^']*)'$`, 'm').exec(launcher);
    if (!line) throw new Error(`scripts/launcher.sh has no ${name}='…' line`);
    return line[1].split(' ').filter(Boolean);
  });
}

/** dist/sealpost.blob and dist/sealpost.stamp, or an error saying why not. */
async function buildSnapshot() {
  // The builder runs in an empty directory with a minimal environment: nothing of the machine
  // that builds (its settings, keyrings, HOME) can reach the heap that is saved.
  const work = mkdtempSync(join(tmpdir(), 'sealpost-snapshot-build-'));
  const blob = join(dist, 'sealpost.blob');
  // Every address and text of the warm-up carries this mark; none may stay in the heap.
  const mark = randomBytes(12).toString('hex');
  try {
    const fixtures = join(work, 'fixtures');
    mkdirSync(fixtures, { mode: 0o700 });
    await writeWarmUpFixtures(fixtures, mark);
    const built = spawnSync(
      process.execPath,
      [
        ...launcherV8Flags(),
        '--snapshot-blob',
        join(work, 'sealpost.blob'),
        '--build-snapshot',
        join(dist, 'snapshot.cjs'),
      ],
      {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? '',
          TMPDIR: work,
          SEALPOST_WARM_UP_DIR: fixtures,
          SEALPOST_WARM_UP_HEAP: join(work, 'warm-up.heapsnapshot'),
        },
        encoding: 'utf8',
      },
    );
    if (built.status !== 0) {
      process.stderr.write(built.stdout + built.stderr);
      throw new Error(
        `building the start-up snapshot failed (exit ${built.status ?? built.signal})`,
      );
    }
    // The heap after the warm-up, as a V8 heap snapshot (strings in clear): a cache or a
    // module variable that kept a key, an address or a message of the warm-up would show here.
    // (The blob itself is not searched: backing stores of live buffers may hold stale bytes of
    // freed ones, which no code can read as data.)
    if (readFileSync(join(work, 'warm-up.heapsnapshot'), 'latin1').includes(mark)) {
      throw new Error(
        'the heap still holds data of the snapshot warm-up; the snapshot was not saved',
      );
    }
    // What the launcher compares with `stat -L -c '%d %i %s %Y %Z'` of the node it finds.
    const node = statSync(process.execPath, { bigint: true });
    const seconds = (ns) => (ns / 1_000_000_000n).toString();
    writeFileSync(
      join(dist, 'sealpost.stamp'),
      `${node.dev} ${node.ino} ${node.size} ${seconds(node.mtimeNs)} ${seconds(node.ctimeNs)}\n`,
    );
    // Last: the launcher also needs the blob to be newer than bin.js.
    renameSync(join(work, 'sealpost.blob'), blob);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await bundleForSnapshot();
  await buildSnapshot();
} catch (err) {
  process.stderr.write(
    `\nsealpost: no start-up snapshot was built: ${err instanceof Error ? err.message : err}\n` +
      '  dist/sealpost runs dist/bin.js instead: the same commands, a slower start.\n\n',
  );
}

/**
 * Bundles the `sealpost` binary: `dist/bin.js` plus one chunk per lazily loaded part, so a run
 * compiles a handful of files instead of ~700 module files (docs/decisions/0110).
 *
 * Runs after `tsc -b` (which still type-checks and emits the unbundled files next to it); the
 * workspace libraries are read from their own `dist`, as any consumer reads them. The chunks
 * that hold openpgp.js or pkijs/asn1js are renamed `openpgp-HASH.js` / `pkijs-HASH.js`, so that
 * "this run loaded only the scheme it needs" stays visible in the loaded file URLs; the build
 * fails if one chunk would hold both libraries.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cliBundleOptions } from './bundle-options.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');

const LIBRARIES = [
  { prefix: 'openpgp', input: /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?openpgp\// },
  { prefix: 'pkijs', input: /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(pkijs|asn1js)\// },
];

// Chunks of an earlier build; tsc's own output (no hash in the name) is left alone.
for (const name of readdirSync(dist)) {
  if (/-[A-Z0-9]{8}\.js$/.test(name)) rmSync(join(dist, name));
}

const result = await build({
  ...cliBundleOptions(root),
  entryPoints: { bin: 'src/bin.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  // Chunks sit next to bin.js: `version()` reads ../package.json relative to its own file.
  chunkNames: '[name]-[hash]',
  metafile: true,
  write: false,
});

const renames = new Map();
for (const [path, output] of Object.entries(result.metafile.outputs)) {
  const inputs = Object.keys(output.inputs);
  const holds = LIBRARIES.filter((lib) => inputs.some((input) => lib.input.test(input)));
  if (holds.length > 1) {
    throw new Error(`${path} holds both openpgp.js and pkijs; a run would load both schemes`);
  }
  if (holds.length === 1 && basename(path) !== 'bin.js') {
    const hash = /-([A-Z0-9]{8})\.js$/.exec(path)?.[1];
    if (hash) renames.set(basename(path), `${holds[0].prefix}-${hash}.js`);
  }
}

mkdirSync(dist, { recursive: true });
for (const file of result.outputFiles) {
  let text = file.text;
  if (text.includes('Dynamic require of')) {
    throw new Error(`${basename(file.path)} needs require() at run time; bundle that dependency`);
  }
  for (const [from, to] of renames) text = text.replaceAll(`./${from}`, `./${to}`);
  const name = renames.get(basename(file.path)) ?? basename(file.path);
  writeFileSync(join(dist, name), text, { mode: name === 'bin.js' ? 0o755 : 0o644 });
}
// tsc's map and declarations describe the unbundled bin.js, not this one.
rmSync(join(dist, 'bin.js.map'), { force: true });

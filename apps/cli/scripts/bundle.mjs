/**
 * Bundles the `sealpost` binary: `dist/bin.js` plus one chunk per lazily loaded part, so a run
 * compiles a handful of files instead of ~700 module files (docs/decisions/0110).
 *
 * The crypto libraries (openpgp.js; pkijs with asn1js) are each one CommonJS file,
 * `openpgp-HASH.cjs` / `pkijs-HASH.cjs`, loaded through `vm.Script` with a V8 code cache
 * (src/code-cache/, docs/decisions/0130): the ES module chunks import a small generated module
 * in their place that loads the file on first use and re-exports its names.
 *
 * Runs after `tsc -b` (which still type-checks and emits the unbundled files next to it); the
 * workspace libraries are read from their own `dist`, as any consumer reads them. The chunks
 * that hold openpgp.js or pkijs/asn1js are renamed `openpgp-HASH.js` / `pkijs-HASH.js`, so that
 * "this run loaded only the scheme it needs" stays visible in the loaded file URLs; the build
 * fails if one chunk would hold both libraries.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');

// A chunk holds a library when it holds the library's code or the module that loads it.
const LIBRARIES = [
  {
    prefix: 'openpgp',
    input: /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?openpgp\/|^cached-library:openpgp$/,
  },
  {
    prefix: 'pkijs',
    input:
      /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(pkijs|asn1js)\/|^cached-library:(pkijs|asn1js)$/,
  },
];

// Chunks and caches of an earlier build; tsc's own output (no hash in the name) is left alone.
mkdirSync(dist, { recursive: true });
for (const name of readdirSync(dist)) {
  if (/-[A-Z0-9]{8}\.c?js$/.test(name)) rmSync(join(dist, name));
}
rmSync(join(dist, '.v8-cache'), { recursive: true, force: true });

/**
 * The libraries loaded through the code cache, each resolved from the package that uses it
 * (so the version is that package's); one file may hold several modules that must share
 * one instance (pkijs and the asn1js it builds on).
 */
const CACHED = [
  { prefix: 'openpgp', from: '../../packages/pgp', modules: ['openpgp'] },
  { prefix: 'pkijs', from: '../../packages/smime', modules: ['pkijs', 'asn1js'] },
];
// Must match src/code-cache/cached-library.ts.
const WRAPPER_HEAD =
  '(function (exports, require, module, __filename, __dirname, __sealpostLibraryUrl) {';

const shims = new Map();
for (const library of CACHED) {
  const built = await build({
    absWorkingDir: root,
    stdin: {
      contents: library.modules.map((m) => `export * as ${m} from '${m}';`).join('\n'),
      resolveDir: join(root, library.from),
      sourcefile: `${library.prefix}-library.js`,
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    define: { 'import.meta.url': '__sealpostLibraryUrl' },
    write: false,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const text = built.outputFiles[0].text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();
  const file = `${library.prefix}-${hash}.cjs`;
  writeFileSync(join(dist, file), text, { mode: 0o644 });
  // The names each module exports, read by running the file once, as the binary will.
  const module = { exports: {} };
  const url = pathToFileURL(join(dist, file)).href;
  new Script(`${WRAPPER_HEAD}${text}\n})`, { filename: join(dist, file) }).runInThisContext()(
    module.exports,
    createRequire(join(dist, file)),
    module,
    join(dist, file),
    dist,
    url,
  );
  for (const name of library.modules) {
    const names = Object.keys(module.exports[name]).filter((n) => n !== 'default');
    const odd = names.filter((n) => !/^[A-Za-z_$][\w$]*$/.test(n));
    if (odd.length > 0) throw new Error(`${name} exports names a module cannot re-export: ${odd}`);
    const hasDefault = 'default' in module.exports[name];
    shims.set(name, {
      prefix: library.prefix,
      contents: [
        `import { loadCachedLibrary } from ${JSON.stringify(join(root, 'src/code-cache/cached-library.ts'))};`,
        `const library = loadCachedLibrary(new URL('./${file}', import.meta.url)).exports[${JSON.stringify(name)}];`,
        `export const { ${names.join(', ')} } = library;`,
        hasDefault ? 'export default library.default;' : '',
      ].join('\n'),
    });
  }
}

/** Resolves each cached library to its generated re-exporting module. */
const cachedLibraries = {
  name: 'sealpost-cached-libraries',
  setup(b) {
    const filter = new RegExp(`^(${[...shims.keys()].join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'cached-library' }));
    b.onLoad({ filter: /.*/, namespace: 'cached-library' }, (args) => ({
      contents: shims.get(args.path).contents,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { bin: 'src/bin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Chunks sit next to bin.js: `version()` reads ../package.json relative to its own file.
  chunkNames: '[name]-[hash]',
  metafile: true,
  write: false,
  legalComments: 'eof',
  logLevel: 'warning',
  plugins: [cachedLibraries],
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

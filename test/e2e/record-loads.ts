// Which module files a run of the built binary loads (a module hook given via NODE_OPTIONS):
// proof that a message of one scheme never loads the other scheme's library (decision 0065).
// With NODE_OPTIONS set the launcher runs the bundle (dist/bin.js), not the start-up snapshot,
// which loads no module files (decision 0143): this is what these runs check.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The binary is a bundle (decision 0110): the libraries live in chunks named after them.
export const PGP_LIBRARY = /\/node_modules\/openpgp\/|\/openpgp-[A-Z0-9]{8}\.js$/;
export const SMIME_LIBRARIES = /\/node_modules\/(pkijs|asn1js)\/|\/pkijs-[A-Z0-9]{8}\.js$/;

let runs = 0;

/** The env that records loads into a fresh log in `dir`, and a reader for that log. */
export function recordLoads(dir: string): { env: NodeJS.ProcessEnv; loaded(): string[] } {
  const n = ++runs;
  const log = join(dir, `loaded-${n}.txt`);
  const hook = join(dir, `record-loads-${n}.mjs`);
  const register = join(dir, `register-record-loads-${n}.mjs`);
  writeFileSync(log, '');
  writeFileSync(
    hook,
    [
      "import { appendFileSync } from 'node:fs';",
      `export async function load(url, context, nextLoad) {`,
      `  appendFileSync(${JSON.stringify(log)}, url + '\\n');`,
      '  return nextLoad(url, context);',
      '}',
    ].join('\n'),
  );
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
  );
  return {
    env: { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` },
    loaded: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

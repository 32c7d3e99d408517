import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The whole suite: every package and app with a vitest config, and the cross-package suites
// in test/. Listed from disk so a new package joins the suite by having a vitest.config.ts.
const projects = ['packages', 'apps']
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => readdirSync(dir).map((name) => join(dir, name, 'vitest.config.ts')))
  .concat('test/vitest.config.ts')
  .filter((file) => existsSync(file));

export default defineConfig({
  test: { projects },
});

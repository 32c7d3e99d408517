/**
 * `import.meta.url` for code running from the start-up snapshot (decision 0143): the snapshot's
 * bundle is CommonJS, so the build replaces `import.meta.url` with this global, which names the
 * bundle in the directory the program runs from — not where the snapshot was built.
 */
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

declare global {
  var __sealpostModuleUrl: string | undefined;
}

/**
 * The bundles sit next to the program (`dist/sealpost`); only the directory of the URL is used
 * (`../package.json`), so it names the full one, `dist/sealpost.cjs`, for all three snapshots.
 */
export function setModuleUrl(programPath: string): void {
  const dist = dirname(realpathSync(programPath));
  globalThis.__sealpostModuleUrl = pathToFileURL(join(dist, 'sealpost.cjs')).href;
}

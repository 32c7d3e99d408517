// Writes docs/error-codes.md from the one table in @sealpost/errors (run after a build:
// `pnpm --filter @sealpost/errors build && node scripts/gen-error-codes.mjs`).
// packages/errors/src/docs.test.ts fails when the file and the table disagree.
import { writeFileSync } from 'node:fs';
import { renderErrorCodesMarkdown } from '../packages/errors/dist/index.js';

writeFileSync(new URL('../docs/error-codes.md', import.meta.url), renderErrorCodesMarkdown());
console.log('docs/error-codes.md written');

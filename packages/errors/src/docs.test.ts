import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorCodesMarkdown } from './index.js';

describe('docs/error-codes.md', () => {
  it('is the rendering of the current table (run scripts/gen-error-codes.mjs after a change)', () => {
    const onDisk = readFileSync(new URL('../../../docs/error-codes.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderErrorCodesMarkdown());
  });
});

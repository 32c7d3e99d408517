import { defineProject } from 'vitest/config';

/**
 * The one vitest setup every package uses. Tests run on the TypeScript sources of the
 * workspace packages (the "@sealpost/source" export condition), so a test never runs
 * against a stale dist/. Compiled files are never collected (docs/toolchain.md: vitest would
 * otherwise also run dist/*.test.js).
 */
export function packageTestConfig(
  name: string,
  overrides: { testTimeout?: number; include?: string[] } = {},
) {
  return defineProject({
    resolve: { conditions: ['@sealpost/source', 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@sealpost/source', 'module', 'node', 'import', 'default'] } },
    test: {
      name,
      include: overrides.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: ['**/node_modules/**', '**/dist/**'],
      environment: 'node',
      // Every network test also sets its own, shorter, socket timeouts; this is the backstop
      // that turns a hang into a failure instead of eating CI's time.
      testTimeout: overrides.testTimeout ?? 30_000,
      hookTimeout: 120_000,
    },
  });
}

// End-to-end: the built `sealpost` binary, as a user or a script runs it.
import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, bin } from './run-cli.js';

function sealpost(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(bin, args, {
    encoding: 'utf8',
    timeout: 15_000,
    env: { PATH: process.env.PATH, ...env },
  });
}

describe('the sealpost binary', () => {
  beforeAll(assertBuilt);

  it('prints its version', () => {
    const result = sealpost(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('returns documented exit codes and JSON on stdout', () => {
    const ok = sealpost(['errors', 'EAMBIGUOUS', '--json']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).codes[0]).toMatchObject({
      code: 'EAMBIGUOUS',
      retry: 'ambiguous',
    });
    const usage = sealpost(['errors', '--password', 'x']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('EUSAGE');
  });

  it('writes no colour codes when NO_COLOR is set', () => {
    const result = sealpost(['errors', 'EAUTH'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('stays quiet when the reader of its output goes away (| head)', async () => {
    // The read end is closed before the child writes: every write then fails with EPIPE.
    const child = spawn(bin, ['errors'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH },
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runMain } from '../test/run-main.js';
import { wantsColor } from './output.js';

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runMain(args, { env });
}

describe('sealpost main', () => {
  it('explains one error code with its exit code and what to do', async () => {
    const { code, out } = await run(['errors', 'estarttls']);
    expect(code).toBe(0);
    expect(out).toContain('ESTARTTLS');
    expect(out).toContain('exit 4');
    expect(out).toMatch(/What to do: Do not retry in cleartext/);
  });

  it('prints a stable JSON shape with --json', async () => {
    const { code, out } = await run(['errors', 'EPOLICY', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      codes: [
        expect.objectContaining({
          code: 'EPOLICY',
          category: 'policy',
          exitCode: 3,
          retry: 'permanent',
        }),
      ],
    });
  });

  it('refuses secrets on the command line and points to the safe way (exit 2)', async () => {
    for (const flag of ['--password', '--password=hunter2', '--passphrase']) {
      const { code, err } = await run(['errors', flag, 'hunter2']);
      expect(code, flag).toBe(2);
      expect(err).toContain('EUSAGE');
      expect(err).toMatch(/--password-env|--passphrase-env/);
      expect(err).not.toContain('hunter2');
    }
  });

  it('answers unknown commands, flags and argument counts with usage errors (exit 2)', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['errors', '--bogus'])).code).toBe(2);
    expect((await run(['errors', 'A', 'B'])).code).toBe(2);
    const unknownCode = await run(['errors', 'ENOPE', '--json']);
    expect(unknownCode.code).toBe(2);
    expect(JSON.parse(unknownCode.out)).toMatchObject({
      ok: false,
      error: { code: 'EUSAGE', category: 'usage' },
    });
  });

  it('teaches with --help: usage, options and examples', async () => {
    const { code, out } = await run(['errors', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: sealpost errors/);
    expect(out).toContain('--json');
    expect(out).toContain('Examples:');
    const top = await run(['--help']);
    expect(top.out).toContain('Exit codes: 0 ok');
    expect(top.out).toMatch(/errors\s+List the error codes/);
  });

  it('exits 2 with the command list when run without a command', async () => {
    const { code, out } = await run([]);
    expect(code).toBe(2);
    expect(out).toContain('Commands:');
  });
});

describe('colour', () => {
  it('honours NO_COLOR, pipes and TERM=dumb', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});

describe('progress', () => {
  it('draws progress only on a terminal, and ends the line when done', async () => {
    const { createOutput } = await import('./output.js');
    for (const isTTY of [true, false]) {
      const stderr = Object.assign(new PassThrough(), { isTTY });
      let text = '';
      stderr.on('data', (c) => (text += c));
      const out = createOutput({ stdout: new PassThrough(), stderr, env: {}, json: false });
      out.progress('sent 1/2');
      out.progress('sent 2/2', true);
      expect(text).toBe(isTTY ? '\rsent 1/2\u001b[K\rsent 2/2\u001b[K\n' : '');
    }
  });
});

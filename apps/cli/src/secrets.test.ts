import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readSecret } from './secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'sealpost-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stdin = new PassThrough();

describe('readSecret', () => {
  it('reads an environment variable, or a file without its trailing newline', async () => {
    expect(await readSecret({ env: 'PW' }, { env: { PW: 's3cret' }, stdin }, 'password')).toBe(
      's3cret',
    );
    writeFileSync(join(dir, 'pw'), 'from-file\n');
    expect(await readSecret({ file: join(dir, 'pw') }, { env: {}, stdin }, 'password')).toBe(
      'from-file',
    );
  });

  it('fails clearly on a missing variable or file, and returns nothing when no source is given', async () => {
    await expect(
      readSecret({ env: 'NOPE' }, { env: {}, stdin }, 'SMTP password'),
    ).rejects.toMatchObject({ code: 'ECONFIG' });
    await expect(
      readSecret({ file: join(dir, 'missing') }, { env: {}, stdin }, 'passphrase'),
    ).rejects.toMatchObject({ code: 'EIO' });
    expect(
      await readSecret({ prompt: 'Passphrase: ' }, { env: {}, stdin }, 'passphrase'),
    ).toBeUndefined();
  });

  it('reads the first line a command prints, as msmtp passwordeval does', async () => {
    const env = { PATH: process.env.PATH, WHO: 'me' };
    expect(
      await readSecret(
        { command: 'printf "pw-of-$WHO\\nsecond line\\n"' },
        { env, stdin },
        'SMTP password',
      ),
    ).toBe('pw-of-me');
  });

  it('never quotes what a failing command printed', async () => {
    const env = { PATH: process.env.PATH };
    const failing = readSecret(
      { command: 'echo leaked-secret; exit 3' },
      { env, stdin },
      'SMTP password',
    );
    await expect(failing).rejects.toMatchObject({
      code: 'ECONFIG',
      message: expect.stringContaining('exited 3'),
    });
    const error = await failing.catch((e: unknown) => e);
    expect(JSON.stringify(error)).not.toContain('leaked-secret');
    expect(String((error as Error).message)).not.toContain('leaked-secret');
    await expect(
      readSecret({ command: 'true' }, { env, stdin }, 'SMTP password'),
    ).rejects.toMatchObject({
      message: expect.stringContaining('printed nothing'),
    });
  });
});

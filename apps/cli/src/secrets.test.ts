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
});

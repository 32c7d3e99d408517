// The scheme adapters load their crypto package on first use: an OpenPGP-only send never loads
// pkijs or asn1js (the S/MIME stack), an S/MIME-only send never loads openpgp.js, and the
// recipient side never loads the sending halves or nodemailer's MIME writer. Checked in a child node process whose module hooks record
// every URL loaded, on the TypeScript sources (no dist needed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sealpost-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadedBy(entry: string, ...args: string[]): string[] {
  const log = join(dir, `${entry}.log`);
  const child = spawnSync(
    process.execPath,
    [
      '--conditions=@sealpost/source',
      '--import',
      here('./support/register-source-hooks.mjs'),
      here(`./support/${entry}`),
      ...args,
    ],
    { env: { ...process.env, SEALPOST_LOAD_LOG: log }, encoding: 'utf8', timeout: 60_000 },
  );
  expect(child.stderr).toBe('');
  expect(child.stdout).toBe('ok\n');
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

describe('scheme adapters load lazily', () => {
  it('an OpenPGP-only prepareSend loads openpgp.js but never pkijs or asn1js', () => {
    const urls = loadedBy('pgp-only-send.ts');
    expect(urls.some((u) => /\/openpgp\//.test(u))).toBe(true);
    expect(
      urls.filter((u) => /\/(pkijs|asn1js|@sealpost\/smime|packages\/smime)\//.test(u)),
    ).toEqual([]);
  });

  it('an S/MIME-only prepareSend loads pkijs but never openpgp.js', () => {
    const cert = join(dir, 'bob.pem');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=bob@example.org',
      '-addext',
      'subjectAltName=email:bob@example.org',
      '-keyout',
      join(dir, 'bob.key'),
      '-out',
      cert,
    ]);
    expect(made.status, String(made.stderr)).toBe(0);
    const urls = loadedBy('smime-only-send.ts', cert);
    expect(urls.some((u) => /\/pkijs\//.test(u))).toBe(true);
    expect(urls.filter((u) => /\/(openpgp|@sealpost\/pgp|packages\/pgp)\//.test(u))).toEqual([]);
  });

  it('the recipient side (open, inspect) loads neither the sending adapters nor nodemailer', () => {
    const urls = loadedBy('pgp-open.ts');
    expect(urls.some((u) => /\/openpgp\//.test(u))).toBe(true);
    expect(
      urls.filter((u) =>
        /\/nodemailer\/|\/pipeline\/src\/schemes\/(pgp|smime|scheme)\.ts$|\/(pkijs|asn1js)\//.test(
          u,
        ),
      ),
    ).toEqual([]);
  });
});

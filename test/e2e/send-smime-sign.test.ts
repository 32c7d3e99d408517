// `sealpost send --sign smime` with a PEM signer (key + certificate, no chain): the self-check
// verifies our own signature with exactly the trust the signer got (--anchor, or no chain check).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openssl, sharedTestCa, TestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

const SECRET = 'Signed, not sealed.';
let dir: string;
const file = (name: string) => join(dir, name);
const env = () => ({ HOME: dir, XDG_CONFIG_HOME: file('xdg'), XDG_DATA_HOME: file('data') });

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-smime-sign-'));
  const [ca, stranger] = await Promise.all([
    sharedTestCa(),
    TestCa.create({ name: 'Stranger CA' }),
  ]);
  const signer = await ca.issueEmailCertificate('me@example.net');
  const bob = await ca.issueEmailCertificate('bob@example.org');
  writeFileSync(file('signer.pem'), `${signer.keyPem}${signer.certPem}`);
  writeFileSync(file('ca.crt'), ca.certPem);
  writeFileSync(file('stranger.crt'), stranger.certPem);
  writeFileSync(file('bob.pem'), bob.certPem);
  writeFileSync(file('bob.key'), bob.keyPem);
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const send = (...extra: string[]) =>
  runCli(
    [
      'send',
      '--from',
      'me@example.net',
      '--to',
      'bob@example.org',
      '--subject',
      'Signed',
      '--text',
      SECRET,
      '--keyring',
      'kr',
      '--sign',
      'smime',
      '--sign-key',
      'signer.pem',
      '--dry-run',
      ...extra,
    ],
    { cwd: dir, env: env() },
  );

describe('sealpost send --sign smime', () => {
  it('signs with --encrypt none --anchor CA (the self-check uses the anchor the signer was checked with)', async () => {
    const r = await send('--encrypt', 'none', '--anchor', 'ca.crt', '--out', 'anchored.eml');
    expect(r.stderr).not.toContain('ESELFCHECK');
    expect(r.code, r.stderr).toBe(0);
    const raw = readFileSync(file('anchored.eml'), 'latin1');
    expect(raw).toMatch(/protocol="application\/pkcs7-signature"/);
    const verified = await openssl([
      'cms',
      '-verify',
      '-in',
      file('anchored.eml'),
      '-CAfile',
      file('ca.crt'),
    ]);
    expect(verified.toString('utf8')).toContain(SECRET);
  });

  it('signs with --encrypt none and no --anchor (no chain check, as for the signer)', async () => {
    const r = await send('--encrypt', 'none', '--out', 'unanchored.eml');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file('unanchored.eml'), 'latin1')).toMatch(/application\/pkcs7-signature/);
  });

  it('refuses a signer that does not chain to the --anchor given, before building', async () => {
    const r = await send('--encrypt', 'none', '--anchor', 'stranger.crt');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ESMIME_CERT_UNTRUSTED');
    expect(r.stderr).not.toContain('ESELFCHECK');
  });

  it('still encrypts and signs with the same file', async () => {
    const r = await send(
      '--encrypt',
      'smime',
      '--key',
      'bob.pem',
      '--anchor',
      'ca.crt',
      '--out',
      'sealed.eml',
    );
    expect(r.code, r.stderr).toBe(0);
    const opened = await openssl([
      'cms',
      '-decrypt',
      '-in',
      file('sealed.eml'),
      '-inkey',
      file('bob.key'),
      '-recip',
      file('bob.pem'),
    ]);
    expect(opened.toString('utf8')).toMatch(/pkcs7-signature|signed-data/);
  });
});

// `verify` (and `decrypt`) trust what the user put in their keyring: OpenPGP keys imported with
// `keys import`, S/MIME anchors imported with `certs import --anchor` — and nothing else.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { sharedTestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

let dir: string;
const message = new TextEncoder().encode(
  'From: signer@example.org\r\nTo: you@example.org\r\nSubject: signed\r\n\r\nsigned words\r\n',
);
const home = (name: string) => ({
  HOME: join(dir, name),
  XDG_DATA_HOME: join(dir, name, 'data'),
  XDG_CONFIG_HOME: join(dir, name, 'cfg'),
});

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-keyring-trust-'));
  const ca = await sharedTestCa();
  const [signer, cert] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'signer@example.org' }] }),
    ca.issueEmailCertificate('signer@example.org'),
  ]);
  writeFileSync(join(dir, 'signer.asc'), signer.armoredPublicKey);
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(
    join(dir, 'pgp-signed.eml'),
    await pgp.signMime(message, { signingKey: signer.privateKey }),
  );
  writeFileSync(
    join(dir, 'smime-signed.eml'),
    await smime.signMime(message, {
      certificate: smime.readCertificate(cert.certPem),
      privateKey: smime.readPrivateKey(cert.keyPem),
    }),
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify with the keyring', () => {
  it('cannot vouch for a signer with an empty keyring (exit 5, unverified)', async () => {
    for (const file of ['pgp-signed.eml', 'smime-signed.eml']) {
      const r = await runCli(['verify', file], { cwd: dir, env: home('empty') });
      expect(r.code, file).toBe(5);
      expect(r.stderr).toContain('ESIGNATURE_UNVERIFIED');
    }
  });

  it('trusts an OpenPGP key after `keys import` and an S/MIME CA after `certs import --anchor`', async () => {
    const env = home('filled');
    expect((await runCli(['keys', 'import', 'signer.asc'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['certs', 'import', '--anchor', 'ca.pem'], { cwd: dir, env })).code).toBe(
      0,
    );
    for (const file of ['pgp-signed.eml', 'smime-signed.eml']) {
      const r = await runCli(['verify', file, '--json'], { cwd: dir, env });
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('signed words');
    }
  });
});

// Reading only S/MIME key material, or using only the certificate store, never loads
// @sealpost/pgp (openpgp.js). The certificate comes from the openssl command line, so not even
// the test's own fixtures touch OpenPGP.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => ({ pgp: 0 }));
vi.mock('@sealpost/pgp', async (importOriginal) => {
  loaded.pgp++;
  return importOriginal();
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-lazy-smime-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=me@example.org',
      '-addext',
      'subjectAltName=email:me@example.org',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature,keyAgreement',
      '-addext',
      'extendedKeyUsage=emailProtection',
      '-days',
      '30',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'pipe' },
  );
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the keystore loads openpgp.js only for OpenPGP material', () => {
  it('reads S/MIME keys and anchors and runs the certificate store without @sealpost/pgp', async () => {
    const keystore = await import('../src/index.js');
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const keys = await keystore.loadOpenKeys({
      decryptionKeyFiles: [key, cert],
      anchorFiles: [cert],
      dataDir: join(dir, 'data'),
    });
    expect(keys.smimeIdentities).toHaveLength(1);
    expect(keys.smimeTrustAnchors).toHaveLength(1);
    const store = await keystore.CertStore.open(join(dir, 'data', 'certs'));
    await keystore.importCertificateFile(store, cert, 'anchor');
    expect(await store.trustAnchors()).toHaveLength(1);
    const resolved = await keystore.resolveRecipientKeys(['me@example.org'], {
      files: [cert],
      keyringDir: join(dir, 'data'),
    });
    expect(resolved.recipients.size + resolved.rejected.size).toBe(1);
    expect(loaded.pgp).toBe(0);
    // The counter does count: loading the library is seen.
    await import('@sealpost/pgp');
    expect(loaded.pgp).toBe(1);
  });
});

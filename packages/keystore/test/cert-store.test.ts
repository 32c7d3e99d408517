import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as smime from '@sealpost/smime';
import { sharedTestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertStore } from '../src/index.js';

let dir: string;
let bob: smime.SmimeCertificate;
let anchor: smime.SmimeCertificate;
let bobFingerprint: string;
const source = { kind: 'file' as const, location: 'bob.pem', obtainedAt: '2026-01-01T00:00:00Z' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-certstore-'));
  const ca = await sharedTestCa();
  const issued = await ca.issueEmailCertificate('Bob@Example.org', { keyType: 'ec-p256' });
  bob = smime.readCertificate(issued.certPem);
  bobFingerprint = issued.fingerprint256;
  anchor = smime.readCertificate(ca.certPem);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('CertStore', () => {
  it('stores certificates by SHA-256 fingerprint and e-mail, and keeps them across opens', async () => {
    const path = join(dir, 'store');
    const store = await CertStore.open(path);
    const entry = await store.add(bob, 'certificate', source);
    await store.add(anchor, 'anchor', source);
    expect(entry).toMatchObject({
      fingerprint: bobFingerprint,
      emails: ['bob@example.org'],
      role: 'certificate',
      source,
    });
    const again = await CertStore.open(path);
    expect(again.list().map((e) => e.role)).toEqual(['certificate', 'anchor']);
    expect(again.findByEmail('BOB@example.org').map((e) => e.fingerprint)).toEqual([
      bobFingerprint,
    ]);
    const [found] = await again.certificatesForEmail('bob@example.org');
    expect(found?.certificate.der).toEqual(bob.der);
    expect((await again.trustAnchors()).map((c) => c.subject)).toEqual([anchor.subject]);
    // Colons and upper case, as `openssl x509 -fingerprint -sha256` prints them, are accepted.
    const colons = bobFingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    expect((await again.get(colons))?.subject).toBe(bob.subject);
    // Atomic writes leave no temporary files behind.
    expect((await readdir(join(path, 'certs'))).every((f) => f.endsWith('.pem'))).toBe(true);
    expect(await readFile(join(path, 'certs', `${bobFingerprint}.pem`), 'utf8')).toMatch(
      /^-----BEGIN CERTIFICATE-----/,
    );
    expect(await again.remove(bobFingerprint)).toBe(true);
    expect(await again.remove(bobFingerprint)).toBe(false);
    expect((await CertStore.open(path)).findByEmail('bob@example.org')).toEqual([]);
  });

  it('refuses a damaged index with EIO instead of starting afresh', async () => {
    const path = join(dir, 'broken');
    await CertStore.open(path);
    await writeFile(join(path, 'index.json'), '{ not json');
    await expect(CertStore.open(path)).rejects.toMatchObject({ code: 'EIO' });
  });

  it('ignores malformed fingerprints instead of building paths from them', async () => {
    const store = await CertStore.open(join(dir, 'paths'));
    expect(await store.get('../../etc/passwd')).toBeUndefined();
    expect(await store.remove('../index')).toBe(false);
  });
});

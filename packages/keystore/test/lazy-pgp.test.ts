// Reading only OpenPGP key material, or using only the keyring, never loads @sealpost/smime
// (pkijs): a one-shot `sealpost decrypt` of a PGP/MIME message pays for one library.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => ({ smime: 0 }));
vi.mock('@sealpost/smime', async (importOriginal) => {
  loaded.smime++;
  return importOriginal();
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-lazy-pgp-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the keystore loads pkijs only for S/MIME material', () => {
  it('reads OpenPGP keys for every purpose and runs the keyring without @sealpost/smime', async () => {
    const keystore = await import('../src/index.js');
    const me = await pgp.generateKey({ userIds: [{ email: 'me@example.org' }], passphrase: 'pw' });
    const secret = join(dir, 'me.sec.asc');
    const pub = join(dir, 'me.asc');
    await writeFile(secret, me.armoredPrivateKey);
    await writeFile(pub, me.armoredPublicKey);
    const keys = await keystore.loadOpenKeys({
      decryptionKeyFiles: [secret],
      verificationKeyFiles: [pub],
      passphrase: async () => 'pw',
      dataDir: join(dir, 'data'),
    });
    expect(keys.pgpPrivateKeys).toHaveLength(1);
    await keystore.loadSigningKey(secret, { passphrase: 'pw' });
    const ring = await keystore.Keyring.open(join(dir, 'data', 'pgp'));
    await ring.add(me.publicKey, { kind: 'file', obtainedAt: new Date().toISOString() });
    const resolved = await keystore.resolveRecipientKeys(['me@example.org'], {
      files: [pub],
      keyringDir: join(dir, 'data'),
    });
    expect(resolved.recipients.get('me@example.org')).toHaveLength(1);
    expect(loaded.smime).toBe(0);
    // The counter does count: loading the library is seen.
    await import('@sealpost/smime');
    expect(loaded.smime).toBe(1);
  });
});

/**
 * What the user's own keyring vouches for when reading a message: the OpenPGP public keys in
 * `pgp/` (to check signatures) and the S/MIME anchors imported into `certs/` (decision 0051).
 * Read-only: nothing is created when the keyring does not exist yet.
 */
import { existsSync } from 'node:fs';
import type * as Pgp from '@sealpost/pgp';
import type * as Smime from '@sealpost/smime';
import type { CommandContext } from '../command.js';
import { keyringPaths } from '../keystore/keyring-dir.js';

export interface KeyringTrust {
  readonly verificationKeys: readonly Pgp.PublicKey[];
  readonly trustAnchors: readonly Smime.SmimeCertificate[];
}

export async function keyringTrust(
  ctx: Pick<CommandContext, 'values' | 'env' | 'cwd' | 'out'>,
): Promise<KeyringTrust> {
  const paths = keyringPaths(ctx);
  const verificationKeys: Pgp.PublicKey[] = [];
  const trustAnchors: Smime.SmimeCertificate[] = [];
  if (existsSync(paths.pgp)) {
    const { Keyring } = await import('@sealpost/pgp/node');
    const ring = await Keyring.open(paths.pgp);
    for (const entry of ring.list()) {
      try {
        const key = await ring.get(entry.fingerprint);
        if (key) verificationKeys.push(key);
      } catch (err) {
        ctx.out.note(
          `note: skipping keyring entry ${entry.fingerprint}: ${(err as Error).message}`,
        );
      }
    }
  }
  if (existsSync(paths.certs)) {
    const { CertStore } = await import('@sealpost/pipeline');
    trustAnchors.push(...(await (await CertStore.open(paths.certs)).trustAnchors()));
  }
  return { verificationKeys, trustAnchors };
}

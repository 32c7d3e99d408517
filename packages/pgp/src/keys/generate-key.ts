/** Key generation: RFC 4880 v4 by default (GnuPG 2.2 interop), RFC 9580 v6 by option. */
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';
import { armorPrivateKey, armorPublicKey, type PrivateKey, type PublicKey } from './read-keys.js';

/**
 * - `ecc` (default): Ed25519 primary + Curve25519 ECDH subkey in the legacy v4 encoding that
 *   GnuPG 2.2 reads (openpgp.js names it `curve25519Legacy`).
 * - `rsa`: RSA primary + RSA subkey, `rsaBits` 3072 (default) or 4096.
 * - `v6`: RFC 9580 v6 key (X25519/Ed25519). GnuPG 2.2 and Thunderbird cannot read it (nor any
 *   message encrypted to it with SEIPD v2): only for peers known to speak RFC 9580.
 */
export type GeneratedKeyType = 'ecc' | 'rsa' | 'v6';

export interface GenerateKeyOptions {
  /** e.g. `[{ name: 'Alice', email: 'alice@example.org' }]`; the first is the primary user ID. */
  readonly userIds: readonly { readonly name?: string; readonly email: string }[];
  readonly type?: GeneratedKeyType;
  readonly rsaBits?: 3072 | 4096;
  /** Protects the secret key (S2K); without it the secret key is stored in the clear. */
  readonly passphrase?: string;
  /** Seconds until the key expires; default: never. */
  readonly expiresInSeconds?: number;
  /** Creation time (tests); default: now. */
  readonly date?: Date;
}

export interface GeneratedKey {
  /** Unlocked secret key object, ready to sign and decrypt. */
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
  /** Armored secret key, protected with the passphrase when one was given. */
  readonly armoredPrivateKey: string;
  readonly armoredPublicKey: string;
  readonly revocationCertificate: string;
  /** Upper-case hex fingerprint of the primary key. */
  readonly fingerprint: string;
}

export async function generateKey(options: GenerateKeyOptions): Promise<GeneratedKey> {
  const type = options.type ?? 'ecc';
  if (options.userIds.length === 0) {
    throw new SealpostError('ECONFIG', 'generateKey needs at least one user ID.');
  }
  const rsaBits = options.rsaBits ?? 3072;
  if (type === 'rsa' && rsaBits !== 3072 && rsaBits !== 4096) {
    throw new SealpostError('ECONFIG', 'rsaBits must be 3072 or 4096.');
  }
  const config = openPgpConfig({ rfc9580: type === 'v6' });
  const algorithm =
    type === 'rsa'
      ? { type: 'rsa' as const, rsaBits }
      : type === 'v6'
        ? { type: 'curve25519' as const }
        : { type: 'ecc' as const, curve: 'curve25519Legacy' as const };
  const generated = await openpgp.generateKey({
    ...algorithm,
    userIDs: options.userIds.map((u) => ({ ...(u.name ? { name: u.name } : {}), email: u.email })),
    keyExpirationTime: options.expiresInSeconds ?? 0,
    ...(options.date ? { date: options.date } : {}),
    format: 'object',
    config,
  });
  const unlocked = generated.privateKey;
  const armoredPrivateKey =
    options.passphrase === undefined
      ? armorPrivateKey(unlocked)
      : armorPrivateKey(
          await openpgp.encryptKey({
            privateKey: unlocked,
            passphrase: options.passphrase,
            config,
          }),
        );
  return {
    privateKey: unlocked,
    publicKey: generated.publicKey,
    armoredPrivateKey,
    armoredPublicKey: armorPublicKey(generated.publicKey),
    revocationCertificate: generated.revocationCertificate,
    fingerprint: unlocked.getFingerprint().toUpperCase(),
  };
}

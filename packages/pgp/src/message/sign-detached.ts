/** A detached binary signature (RFC 9580 §5.2.1 type 0x00) over canonical bytes, as RFC 3156 §5 uses. */
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';
import { checkKey } from '../keys/check-key.js';
import type { PrivateKey } from '../keys/read-keys.js';
import { hashName } from './hash-name.js';

export interface DetachedSignature {
  /** ASCII-armored signature (RFC 9580 §6.2 "PGP SIGNATURE"). */
  readonly armored: string;
  /** The hash really used, lower case (e.g. "sha256"): RFC 3156 §5 micalg is "pgp-" + this. */
  readonly hashAlgorithm: string;
}

export interface SignOptions {
  readonly signingKey: PrivateKey;
  /** Signature creation time; default now. The key must be valid then. */
  readonly date?: Date;
}

/** Refuses locked, expired, revoked, weak or SHA-1-bound signing keys before signing. */
export async function usableSigningKeyId(
  signingKey: PrivateKey,
  date: Date | undefined,
): Promise<openpgp.KeyID> {
  if (!signingKey.isDecrypted()) {
    throw new SealpostError('EKEY_PASSPHRASE', 'The signing key is still locked; unlock it first.');
  }
  const check = await checkKey(signingKey, { purpose: 'sign', ...(date ? { now: date } : {}) });
  const usable = signingKey
    .getKeys()
    .find((k) => k.getFingerprint().toUpperCase() === check.usableKeyFingerprint);
  return usable!.getKeyID();
}

export async function signDetached(
  content: Uint8Array,
  options: SignOptions,
): Promise<DetachedSignature> {
  const keyId = await usableSigningKeyId(options.signingKey, options.date);
  try {
    const armored = await openpgp.sign({
      message: await openpgp.createMessage({ binary: content }),
      signingKeys: options.signingKey,
      signingKeyIDs: keyId,
      detached: true,
      format: 'armored',
      ...(options.date ? { date: options.date } : {}),
      config: openPgpConfig({ rfc9580: options.signingKey.keyPacket.version === 6 }),
    });
    const signature = await openpgp.readSignature({ armoredSignature: armored });
    const packet = signature.packets[0]!;
    return {
      armored,
      hashAlgorithm: hashName(packet.hashAlgorithm),
    };
  } catch (cause) {
    throw new SealpostError('ESIGN', 'The content could not be signed.', { cause });
  }
}

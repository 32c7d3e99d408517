/** Checking a detached signature over canonical bytes (RFC 3156 §5, RFC 9580 §5.2.4). */
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';
import type { PublicKey } from '../keys/read-keys.js';
import { type SignatureStatus, toSignatureStatuses } from './signature-status.js';

export async function verifyDetached(
  content: Uint8Array,
  signature: string | Uint8Array,
  verificationKeys: readonly PublicKey[],
  date?: Date,
): Promise<SignatureStatus[]> {
  const config = openPgpConfig({ rfc9580: true });
  let parsed: openpgp.Signature;
  // A MIME part carries the signature armored (RFC 3156 §5) but as bytes.
  if (signature instanceof Uint8Array) {
    const head = new TextDecoder().decode(signature.subarray(0, 64)).trimStart();
    if (head.startsWith('-----BEGIN PGP')) signature = new TextDecoder().decode(signature);
  }
  try {
    parsed =
      typeof signature === 'string'
        ? await openpgp.readSignature({ armoredSignature: signature, config })
        : await openpgp.readSignature({ binarySignature: signature, config });
  } catch (cause) {
    throw new SealpostError('EPGP_FORMAT', 'The signature part is not an OpenPGP signature.', {
      cause,
    });
  }
  const result = await openpgp.verify({
    message: await openpgp.createMessage({ binary: content }),
    signature: parsed,
    verificationKeys: [...verificationKeys],
    format: 'binary',
    ...(date ? { date } : {}),
    config,
  });
  return toSignatureStatuses(result.signatures, verificationKeys);
}

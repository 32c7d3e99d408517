/**
 * Binding a signature to the sender (RFC 9580 §5.2.3.23 Signer's User ID, §5.11 User ID): a
 * signature vouches for a message From alice@ only when the signing key carries a valid
 * user ID with alice@'s address. Without this a message From alice@ signed by any key we
 * hold reads as "valid" ("Johnny, You Are Fired!", USENIX Security 2019, §4 ID attacks).
 */
import { type HeaderField, sameAddress, senderAddress } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { PublicKey } from '../keys/read-keys.js';
import type { SignatureStatus } from './signature-status.js';

type KeyUser = PublicKey['users'][number];

/**
 * A user ID names its holder for a signature made at `signedAt` if its self-certification was
 * valid then (not expired), and it is not revoked now: as for the key itself, a user ID
 * revoked since (the address left its owner) no longer vouches for anything.
 */
async function userIdValid(user: KeyUser, signedAt: Date): Promise<boolean> {
  try {
    await user.verify(signedAt);
  } catch {
    return false;
  }
  const latest = user.selfCertifications.at(-1);
  return !(latest && (await user.isRevoked(latest, undefined, new Date())));
}

/** The e-mail addresses of the key's user IDs that are valid for a signature made at `signedAt`. */
export async function validUserIdAddresses(key: PublicKey, signedAt: Date): Promise<string[]> {
  const addresses: string[] = [];
  for (const user of key.users) {
    const email = user.userID?.email;
    if (email && (await userIdValid(user, signedAt))) addresses.push(email);
  }
  return addresses;
}

function sender(headers: readonly HeaderField[]): string | SealpostError {
  try {
    return senderAddress(headers);
  } catch (error) {
    if (error instanceof SealpostError) return error;
    throw error;
  }
}

/**
 * Marks valid signatures invalid whose key has no valid user ID with the one From address
 * (EPGP_SIGNER_ADDRESS; ESENDER_MISSING / ESENDER_AMBIGUOUS when From is not one mailbox),
 * and fills `addresses` with the user-ID addresses that matched.
 */
export async function checkSignerAddress(
  signatures: readonly SignatureStatus[],
  verificationKeys: readonly PublicKey[],
  headers: readonly HeaderField[],
): Promise<SignatureStatus[]> {
  const from = sender(headers);
  return Promise.all(
    signatures.map(async (signature): Promise<SignatureStatus> => {
      if (signature.status !== 'valid') return signature;
      if (from instanceof SealpostError) {
        return { ...signature, status: 'invalid', code: from.code, reason: from.message };
      }
      const key = verificationKeys.find(
        (k) => k.getFingerprint().toUpperCase() === signature.signerFingerprint,
      );
      const matched = key
        ? (await validUserIdAddresses(key, signature.created ?? new Date())).filter((a) =>
            sameAddress(a, from),
          )
        : [];
      if (matched.length > 0) return { ...signature, addresses: matched };
      return {
        ...signature,
        status: 'invalid',
        code: 'EPGP_SIGNER_ADDRESS',
        reason: 'the signing key has no valid user ID with the From address',
      };
    }),
  );
}

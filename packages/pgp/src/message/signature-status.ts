/** The outcome of checking one OpenPGP signature (RFC 9580 §5.2.4), in terms a report can show. */
import type { ErrorCode } from '@sealpost/errors';
import type * as openpgp from 'openpgp';
import type { PublicKey } from '../keys/read-keys.js';
import { hashName } from './hash-name.js';

export interface SignatureStatus {
  /**
   * valid: the signature checks with a given key that was valid when it signed.
   * invalid: a given key matches but the signature does not check (modified content, revoked
   *   or expired key, rejected algorithm) — never trust such content.
   * unknown-key: none of the given keys made it; nothing can be said.
   */
  readonly status: 'valid' | 'invalid' | 'unknown-key';
  /** Issuer key ID, 16 upper-case hex digits. */
  readonly keyId: string;
  /** Primary-key fingerprint of the signer, when one of the given keys matches. */
  readonly signerFingerprint?: string;
  readonly created?: Date;
  /** e.g. "sha256". */
  readonly hashAlgorithm?: string;
  /** Why it is invalid (openpgp.js's message or ours; no secrets, no message content). */
  readonly reason?: string;
  /** The error code of an invalid status when it has one (e.g. EPGP_SIGNER_ADDRESS). */
  readonly code?: ErrorCode;
  /** The signer key's user IDs as written ("Alice <alice@example.org>"); [] for an unknown key. */
  readonly userIds: readonly string[];
  /**
   * The addresses of the signer's valid user IDs that equal the message's From address; [] when
   * the sender was not checked (detached bytes, or `checkSenderAddress: false`) or none matched.
   */
  readonly addresses: readonly string[];
}

type VerificationResult = Awaited<ReturnType<typeof openpgp.verify>>['signatures'][number];

/** Turns openpgp.js's lazy verification results into plain statuses. */
export async function toSignatureStatuses(
  results: readonly VerificationResult[],
  verificationKeys: readonly PublicKey[],
): Promise<SignatureStatus[]> {
  return Promise.all(
    results.map(async (result) => {
      const keyId = result.keyID.toHex().toUpperCase();
      const signer = verificationKeys.find((k) => k.getKeys(result.keyID).length > 0);
      let packet: openpgp.SignaturePacket | undefined;
      try {
        packet = (await result.signature).packets[0];
      } catch {
        packet = undefined;
      }
      const facts = {
        keyId,
        userIds: signer ? signer.getUserIDs() : [],
        addresses: [],
        ...(signer ? { signerFingerprint: signer.getFingerprint().toUpperCase() } : {}),
        ...(packet?.created ? { created: packet.created } : {}),
        ...(packet ? { hashAlgorithm: hashName(packet.hashAlgorithm) } : {}),
      };
      try {
        await result.verified;
        // openpgp.js judges the key at the signature's creation time; a key revoked since
        // (e.g. compromised) must not vouch for anything any more (RFC 9580 §5.2.3.31).
        if (signer && (await signer.isRevoked(undefined, undefined, new Date()))) {
          return { status: 'invalid' as const, ...facts, reason: 'the signing key is revoked' };
        }
        return { status: 'valid' as const, ...facts };
      } catch (err) {
        if (!signer) return { status: 'unknown-key' as const, ...facts };
        const reason = err instanceof Error ? err.message : 'signature does not verify';
        return { status: 'invalid' as const, ...facts, reason };
      }
    }),
  );
}

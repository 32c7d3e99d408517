/** The messages between PgpCopyPool and its workers (structured-clone safe: no key objects). */
import type { RecipientKey, SignerKey } from '@sealpost/keystore';
import type { PlannedMessage } from '../plan-send.js';

/**
 * A key as binary OpenPGP packets (RFC 9580 §10), named by its fingerprint and key object; the
 * bytes travel only the first time a worker sees the key, which keeps it parsed from then on.
 */
export interface PgpKeyPackets {
  /** "fingerprint#n": n numbers the key objects of the sending thread. */
  readonly fingerprint: string;
  readonly bytes?: Uint8Array;
}

export interface PgpCopyRequest {
  readonly id: number;
  readonly mime: Uint8Array;
  readonly planned: Omit<PlannedMessage, 'encryptTo'>;
  readonly encryptTo: readonly {
    readonly key: Omit<RecipientKey, 'material'>;
    readonly packets: PgpKeyPackets;
  }[];
  readonly signer?: { readonly key: Omit<SignerKey, 'material'>; readonly packets: PgpKeyPackets };
  readonly date?: number;
}

/** Tells a worker to drop the keys it keeps (the pool then sends their packets again). */
export interface PgpForget {
  readonly forget: true;
}

export type PgpCopyReply =
  | { readonly id: number; readonly raw: Uint8Array }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };

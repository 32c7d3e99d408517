/** The messages between PgpCopyPool and its workers (structured-clone safe: no key objects). */
import type { RecipientKey, SignerKey } from '@sealpost/keystore';
import type { PlannedMessage } from '../plan-send.js';

/**
 * A key as binary OpenPGP packets (RFC 9580 §10), named by its fingerprint; the bytes travel
 * only the first time a worker sees the key, which keeps it parsed from then on.
 */
export interface PgpKeyPackets {
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

export type PgpCopyReply =
  | { readonly id: number; readonly raw: Uint8Array }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };

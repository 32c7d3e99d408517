/**
 * Decrypting an OpenPGP message (RFC 9580 §10.3) and checking the signatures inside it.
 * A missing or wrong MDC, a tag-9 packet or a failed AEAD tag is an error, never data.
 */
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';
import type { PrivateKey, PublicKey } from '../keys/read-keys.js';
import type { RsaRawDecrypt } from '../session-key/rsa-private-key-info.js';
import { decryptRsaSessionKeys } from '../session-key/rsa-session-keys.js';
import { type SignatureStatus, toSignatureStatuses } from './signature-status.js';

export interface DecryptOptions {
  readonly decryptionKeys: readonly PrivateKey[];
  readonly verificationKeys?: readonly PublicKey[];
  /** Time at which signing keys must have been valid; default: each signature's creation time. */
  readonly date?: Date;
  /**
   * The raw RSA private-key operation (no padding) for RSA-encrypted session keys: in Node,
   * `privateDecrypt` with RSA_NO_PADDING (as `rsaRawDecrypt` from @sealpost/keystore). Without
   * it openpgp.js decrypts them with its BigInt code, ~30 ms for RSA-3072 (decision 0131).
   */
  readonly rsaRawDecrypt?: RsaRawDecrypt;
}

export interface DecryptedMessage {
  readonly content: Uint8Array;
  /** 'mdc': SEIPD v1 (RFC 9580 §5.13.1); 'aead': SEIPD v2 or an AEAD packet (§5.13.2). */
  readonly integrity: 'mdc' | 'aead';
  readonly signatures: readonly SignatureStatus[];
}

export function decryptError(cause: unknown): SealpostError {
  return new SealpostError(
    'EDECRYPT',
    'The message could not be decrypted: no matching key, or it was altered.',
    { cause },
  );
}

async function readAnyMessage(input: string | Uint8Array) {
  const config = openPgpConfig({ rfc9580: true });
  return typeof input === 'string'
    ? openpgp.readMessage({ armoredMessage: input, config })
    : openpgp.readMessage({ binaryMessage: input, config });
}

/** Which integrity protection the encrypted data packet has (tag 9 never gets this far). */
export function integrityOf(message: openpgp.Message<Uint8Array>): 'mdc' | 'aead' {
  const packet = message.packets.find(
    (p) =>
      p instanceof openpgp.SymEncryptedIntegrityProtectedDataPacket ||
      p instanceof openpgp.AEADEncryptedDataPacket,
  );
  if (packet instanceof openpgp.AEADEncryptedDataPacket) return 'aead';
  return (packet as { version?: number } | undefined)?.version === 2 ? 'aead' : 'mdc';
}

/**
 * openpgp.decrypt of a read message, for the in-memory and the streamed decryption alike.
 * RSA session keys go through the injected raw RSA (decision 0131) when there is one and it
 * found any, else openpgp.js tries the decryption keys. The PKESK packets come before the data
 * packet, so a streamed message's content is not read before this returns. Any failure is
 * EDECRYPT.
 */
export async function decryptPackets<Data extends Uint8Array | ReadableStream<Uint8Array>>(
  message: openpgp.Message<Data>,
  options: DecryptOptions,
  config: ReturnType<typeof openPgpConfig>,
) {
  try {
    const sessionKeys = options.rsaRawDecrypt
      ? await decryptRsaSessionKeys(message, options.decryptionKeys, {
          rsaRawDecrypt: options.rsaRawDecrypt,
          config,
          ...(options.date ? { date: options.date } : {}),
        })
      : undefined;
    return await openpgp.decrypt({
      message,
      ...(sessionKeys ? { sessionKeys } : { decryptionKeys: [...options.decryptionKeys] }),
      verificationKeys: [...(options.verificationKeys ?? [])],
      format: 'binary',
      ...(options.date ? { date: options.date } : {}),
      config,
    });
  } catch (cause) {
    throw decryptError(cause);
  }
}

export async function decryptMessage(
  input: string | Uint8Array,
  options: DecryptOptions,
): Promise<DecryptedMessage> {
  const locked = options.decryptionKeys.find((k) => !k.isDecrypted());
  if (locked) {
    throw new SealpostError(
      'EKEY_PASSPHRASE',
      'A decryption key is still locked; unlock it first.',
    );
  }
  let message: openpgp.Message<Uint8Array>;
  try {
    message = (await readAnyMessage(input)) as openpgp.Message<Uint8Array>;
  } catch (cause) {
    throw decryptError(cause);
  }
  const verificationKeys = options.verificationKeys ?? [];
  const result = await decryptPackets(message, options, openPgpConfig({ rfc9580: true }));
  const content = result.data as Uint8Array;
  const signatures = await toSignatureStatuses(result.signatures, verificationKeys);
  return { content, integrity: integrityOf(message), signatures };
}

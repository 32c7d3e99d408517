/**
 * Decrypting a large OpenPGP message as a stream (RFC 9580 §10.3, §5.13): the plaintext comes
 * out before the integrity check at its end (MDC, AEAD tag) and before the signatures inside
 * are known, so it is NOT authenticated until the stream has ended without an error and
 * `checked()` has resolved. Callers write it where nobody can read it (a private temporary
 * file) and release it only then (docs/decisions/0121).
 */
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';
import {
  type DecryptOptions,
  decryptError,
  decryptPackets,
  integrityOf,
} from './decrypt-message.js';
import { type SignatureStatus, toSignatureStatuses } from './signature-status.js';

export interface DecryptStreamInput {
  /** The OpenPGP message: armored text (RFC 9580 §6.2) or binary packets. */
  readonly armored: ReadableStream<string> | undefined;
  readonly binary: ReadableStream<Uint8Array> | undefined;
}

export interface StreamedDecryption {
  /** The decrypted content; an error at its end (EDECRYPT) means it was altered: discard all. */
  readonly content: ReadableStream<Uint8Array>;
  /** 'mdc': SEIPD v1; 'aead': SEIPD v2 or an AEAD packet. */
  readonly integrity: 'mdc' | 'aead';
  /** The signatures inside, known once `content` has been read through. */
  checked(): Promise<SignatureStatus[]>;
}

/** Maps openpgp.js's end-of-stream errors (MDC / tag mismatch) to EDECRYPT, quoting nothing. */
function guarded(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (cause) {
        controller.error(decryptError(cause));
        return;
      }
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

export async function decryptMessageStream(
  input: DecryptStreamInput,
  options: DecryptOptions,
): Promise<StreamedDecryption> {
  if (options.decryptionKeys.some((k) => !k.isDecrypted())) {
    throw new SealpostError(
      'EKEY_PASSPHRASE',
      'A decryption key is still locked; unlock it first.',
    );
  }
  // Streamed release is safe only because the caller holds the plaintext back until the end:
  // openpgp.js then reports a bad MDC / AEAD tag as an error at the end of `data`.
  const config = { ...openPgpConfig({ rfc9580: true }), allowUnauthenticatedStream: true };
  let message: openpgp.Message<ReadableStream<Uint8Array>>;
  try {
    message = (
      input.armored
        ? await openpgp.readMessage({ armoredMessage: input.armored, config })
        : await openpgp.readMessage({
            binaryMessage: input.binary ?? new ReadableStream<Uint8Array>(),
            config,
          })
    ) as openpgp.Message<ReadableStream<Uint8Array>>;
  } catch (cause) {
    throw decryptError(cause);
  }
  const verificationKeys = options.verificationKeys ?? [];
  const result = await decryptPackets(message, options, config);
  return {
    content: guarded(result.data as unknown as ReadableStream<Uint8Array>),
    integrity: integrityOf(message as unknown as openpgp.Message<Uint8Array>),
    checked: () => toSignatureStatuses(result.signatures, verificationKeys),
  };
}

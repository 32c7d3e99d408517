/**
 * RFC 3156 §4 receiving side: decrypt the application/octet-stream part; signatures come from
 * inside the OpenPGP message (§6.2) or from a multipart/signed inside the plaintext (§6.1).
 */
import {
  decodeBody,
  entityContentType,
  type HeaderField,
  type MimeEntity,
  parseEntity,
  parseMultipart,
  redactedError,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import {
  type DecryptedMessage,
  type DecryptOptions,
  decryptMessage,
} from '../message/decrypt-message.js';
import { readInputMessage } from './input-message.js';
import { type OpenedPgpMessage, PGP_ENCRYPTED } from './pgp-mime.js';
import { isPgpSigned, openPgpPayload, verifySignedEntity, withSenderCheck } from './verify-mime.js';

export interface DecryptMimeOptions extends DecryptOptions {
  /** Require each signing key to name the From address (default true), as verifyMime does. */
  readonly checkSenderAddress?: boolean;
}

function formatError(message: string, cause?: unknown): SealpostError {
  return new SealpostError('EPGP_FORMAT', message, cause === undefined ? {} : { cause });
}

/** Returns the armored (or binary) OpenPGP message of a multipart/encrypted entity. */
export function encryptedData(entity: MimeEntity): Uint8Array {
  const type = entityContentType(entity);
  if (
    type.mediaType !== 'multipart/encrypted' ||
    type.params.protocol?.toLowerCase() !== PGP_ENCRYPTED
  ) {
    throw formatError(
      'The message is not multipart/encrypted with protocol application/pgp-encrypted.',
    );
  }
  let parts: ReturnType<typeof parseMultipart>['parts'];
  try {
    ({ parts } = parseMultipart(entity));
  } catch (cause) {
    throw formatError('The multipart/encrypted body cannot be split into its parts.', cause);
  }
  const [control, data] = parts;
  if (parts.length !== 2 || !control || !data) {
    throw formatError(`multipart/encrypted must have 2 parts, found ${parts.length}.`);
  }
  const version = new TextDecoder().decode(decodeBody(control.entity));
  if (
    entityContentType(control.entity).mediaType !== PGP_ENCRYPTED ||
    !/^\s*Version:\s*1\s*$/m.test(version)
  ) {
    throw formatError('The first part is not application/pgp-encrypted with "Version: 1".');
  }
  if (entityContentType(data.entity).mediaType !== 'application/octet-stream') {
    throw formatError('The second part of multipart/encrypted is not application/octet-stream.');
  }
  return decodeBody(data.entity);
}

function looksArmored(data: Uint8Array): boolean {
  const head = new TextDecoder().decode(data.subarray(0, 64)).trimStart();
  return head.startsWith('-----BEGIN PGP MESSAGE-----');
}

export async function decryptMime(
  message: Uint8Array,
  options: DecryptMimeOptions,
): Promise<OpenedPgpMessage> {
  const input = readInputMessage(message);
  const data = encryptedData(input.entity);
  const decrypted = await decryptMessage(
    looksArmored(data) ? new TextDecoder().decode(data) : data,
    options,
  );
  try {
    return await openDecrypted(decrypted, input.messageHeaders, options);
  } catch (error) {
    // What failed here is decrypted content: the error keeps its code but quotes none of it.
    throw redactedError(error, {
      where: 'decrypted PGP/MIME content',
      fallbackCode: 'EPGP_FORMAT',
      keepMessage: ['EPGP_FORMAT'],
    });
  }
}

/** Reads the decrypted entity; a multipart/signed inside (RFC 3156 §6.1) is verified. */
async function openDecrypted(
  decrypted: DecryptedMessage,
  messageHeaders: readonly HeaderField[],
  options: DecryptMimeOptions,
): Promise<OpenedPgpMessage> {
  let payload: MimeEntity;
  try {
    payload = parseEntity(decrypted.content);
  } catch {
    throw formatError('The decrypted content is not a MIME entity.');
  }
  let signatures = decrypted.signatures;
  // RFC 3156 §6.1: sign first (multipart/signed), then encrypt the whole.
  if (isPgpSigned(payload)) {
    const inner = await verifySignedEntity(payload, options.verificationKeys ?? []);
    signatures = [...signatures, ...inner.signatures];
    payload = inner.signedPart;
  }
  const opened = openPgpPayload(payload, messageHeaders, true, signatures);
  return withSenderCheck(
    { ...opened, integrity: decrypted.integrity },
    options.verificationKeys ?? [],
    options.checkSenderAddress,
  );
}

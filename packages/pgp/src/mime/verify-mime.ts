/** RFC 3156 §5 receiving side: check the signature over the exact bytes of the first part. */
import {
  decodeBody,
  entityContentType,
  type HeaderField,
  type MimeEntity,
  parseMultipart,
  unprotectHeaders,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { PublicKey } from '../keys/read-keys.js';
import type { SignatureStatus } from '../message/signature-status.js';
import { checkSignerAddress } from '../message/signer-address.js';
import { verifyDetached } from '../message/verify-detached.js';
import { readInputMessage } from './input-message.js';
import { type OpenedPgpMessage, PGP_SIGNATURE } from './pgp-mime.js';

export interface VerifyMimeOptions {
  readonly verificationKeys: readonly PublicKey[];
  /**
   * Require each signing key to carry a valid user ID with the one From address (default
   * true; docs/decisions/0075). Only a check of a message we made ourselves turns it off.
   */
  readonly checkSenderAddress?: boolean;
}

function formatError(message: string, cause?: unknown): SealpostError {
  return new SealpostError('EPGP_FORMAT', message, cause === undefined ? {} : { cause });
}

export function isPgpSigned(entity: MimeEntity): boolean {
  const type = entityContentType(entity);
  return (
    type.mediaType === 'multipart/signed' && type.params.protocol?.toLowerCase() === PGP_SIGNATURE
  );
}

/** Verifies a multipart/signed entity; returns the signed part and the statuses. */
export async function verifySignedEntity(
  entity: MimeEntity,
  verificationKeys: readonly PublicKey[],
): Promise<{ signedPart: MimeEntity; signatures: SignatureStatus[] }> {
  if (!isPgpSigned(entity)) {
    throw formatError(
      'The message is not multipart/signed with protocol application/pgp-signature.',
    );
  }
  let parts: ReturnType<typeof parseMultipart>['parts'];
  try {
    ({ parts } = parseMultipart(entity));
  } catch (cause) {
    throw formatError('The multipart/signed body cannot be split into its parts.', cause);
  }
  // RFC 1847 §2.1: exactly two parts, the content and then the signature.
  const [content, signaturePart] = parts;
  if (parts.length !== 2 || !content || !signaturePart) {
    throw formatError(`multipart/signed must have 2 parts, found ${parts.length}.`);
  }
  if (entityContentType(signaturePart.entity).mediaType !== PGP_SIGNATURE) {
    throw formatError('The second part of multipart/signed is not application/pgp-signature.');
  }
  const signatures = await verifyDetached(
    content.raw,
    decodeBody(signaturePart.entity),
    verificationKeys,
  );
  return { signedPart: content.entity, signatures };
}

/** Opens a payload: RFC 9788 protected header fields win over the outer ones when hp= is set. */
export function openPgpPayload(
  payload: MimeEntity,
  outerHeaders: readonly HeaderField[],
  encrypted: boolean,
  signatures: readonly SignatureStatus[],
): OpenedPgpMessage {
  const { hp, headers, hpOuter, entity } = unprotectHeaders(payload);
  return {
    entity,
    headers: hp === undefined ? outerHeaders : headers,
    outerHeaders,
    hp,
    hpOuter,
    encrypted,
    signatures,
  };
}

/** Applies the sender check to an opened message unless the caller turned it off. */
export async function withSenderCheck(
  opened: OpenedPgpMessage,
  verificationKeys: readonly PublicKey[],
  checkSenderAddress: boolean | undefined,
): Promise<OpenedPgpMessage> {
  if (checkSenderAddress === false) return opened;
  const signatures = await checkSignerAddress(opened.signatures, verificationKeys, opened.headers);
  return { ...opened, signatures };
}

export async function verifyMime(
  message: Uint8Array,
  options: VerifyMimeOptions,
): Promise<OpenedPgpMessage> {
  const input = readInputMessage(message);
  const { signedPart, signatures } = await verifySignedEntity(
    input.entity,
    options.verificationKeys,
  );
  const opened = openPgpPayload(signedPart, input.messageHeaders, false, signatures);
  return withSenderCheck(opened, options.verificationKeys, options.checkSenderAddress);
}

/**
 * Decrypting a message (RFC 8551 §3.3): application/pkcs7-mime authEnveloped-data or
 * enveloped-data; a signed message inside (sign-then-encrypt) is verified too. Protected
 * headers (RFC 9788, hp="cipher") win over the outer ones.
 */
import {
  canonicalizeLineEnds,
  decodeBody,
  type HeaderField,
  parseEntity,
  redactedError,
  splitMessage,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { SmimeCertificate } from '../certificate.js';
import { type DecryptCmsOptions, type DecryptedCms, decryptCms } from '../cms/decrypt-cms.js';
import { smimeKind } from './smime-entity.js';
import {
  checkSender,
  type OpenedSmimeMessage,
  openSmimePayload,
  type SignatureReport,
  verifyEntity,
} from './verify-mime.js';

export interface DecryptMimeOptions extends DecryptCmsOptions {
  /** Trust anchors for a signature inside; without them such a signature is 'invalid'. */
  readonly trustAnchors?: readonly SmimeCertificate[];
  readonly now?: Date;
}

export interface DecryptMimeResult extends OpenedSmimeMessage {
  readonly encryption: Omit<DecryptedCms, 'content'>;
  /** Present when the decrypted content was a signed message. */
  readonly signature?: SignatureReport;
}

export async function decryptMime(
  message: Uint8Array,
  options: DecryptMimeOptions,
): Promise<DecryptMimeResult> {
  const { messageHeaders, entity } = splitMessage(canonicalizeLineEnds(message));
  if (smimeKind(entity) !== 'encrypted') {
    throw new SealpostError(
      'ESMIME_FORMAT',
      'The message is not an S/MIME encrypted message (application/pkcs7-mime).',
    );
  }
  const { content, ...encryption } = await decryptCms(decodeBody(entity), options);
  try {
    return await openDecrypted(messageHeaders, content, encryption, options);
  } catch (error) {
    // What failed here is decrypted content: the error keeps its code but quotes none of it.
    throw redactedError(error, {
      where: 'decrypted S/MIME content',
      fallbackCode: 'ESMIME_FORMAT',
      keepMessage: ['ESMIME_CONTENT_CONFUSION', 'ESMIME_FORMAT', 'ESMIME_UNSUPPORTED'],
    });
  }
}

/** Reads the decrypted entity; a signed message inside (sign-then-encrypt) is verified. */
async function openDecrypted(
  messageHeaders: readonly HeaderField[],
  content: Uint8Array,
  encryption: Omit<DecryptedCms, 'content'>,
  options: DecryptMimeOptions,
): Promise<DecryptMimeResult> {
  const decrypted = parseEntity(content);
  const kind = smimeKind(decrypted);
  if (kind !== 'signed-detached' && kind !== 'signed-opaque') {
    return { ...openSmimePayload(messageHeaders, decrypted), encryption };
  }
  const { inner, signature } = await verifyEntity(decrypted, {
    trustAnchors: options.trustAnchors ?? [],
    ...(options.now ? { now: options.now } : {}),
    ...(options.crypto ? { crypto: options.crypto } : {}),
  });
  const opened = openSmimePayload(messageHeaders, inner);
  return { ...opened, encryption, signature: checkSender(signature, opened.headers) };
}

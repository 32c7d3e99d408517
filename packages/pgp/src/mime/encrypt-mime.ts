/**
 * RFC 3156 §4 multipart/encrypted: a "Version: 1" application/pgp-encrypted part and an
 * application/octet-stream part with the armored OpenPGP message. Signing happens inside the
 * same OpenPGP message (RFC 3156 §6.2). With header fields, RFC 9788 hp="cipher" applies.
 */
import {
  canonicalizeLineEnds,
  createEntity,
  createMultipart,
  joinMessage,
  type MimeEntity,
  protectHeaders,
  serializeEntity,
} from '@sealpost/compose';
import { type EncryptOptions, encryptMessage } from '../message/encrypt-message.js';
import { readInputMessage } from './input-message.js';
import { type HeaderProtectionOptions, PGP_ENCRYPTED } from './pgp-mime.js';

export interface EncryptMimeOptions extends EncryptOptions, HeaderProtectionOptions {}

/** The two parts around the armored ciphertext (RFC 3156 §4). */
export function encryptedWrapper(armored: string | Uint8Array, boundary?: string): MimeEntity {
  const version = createEntity({
    contentType: PGP_ENCRYPTED,
    body: 'Version: 1\r\n',
    transferEncoding: '7bit',
    description: 'PGP/MIME version identification',
  });
  const data = createEntity({
    contentType: 'application/octet-stream',
    params: { name: 'encrypted.asc' },
    // openpgp.js armors with bare LF; MIME bodies are CRLF.
    body: canonicalizeLineEnds(
      typeof armored === 'string' ? new TextEncoder().encode(armored) : armored,
    ),
    transferEncoding: '7bit',
    description: 'OpenPGP encrypted message',
    disposition: 'inline',
    filename: 'encrypted.asc',
  });
  return createMultipart('encrypted', [version, data], {
    params: { protocol: PGP_ENCRYPTED },
    ...(boundary ? { boundary } : {}),
  });
}

/** The payload to encrypt and the header fields for the outside (RFC 9788 §4). */
export function encryptionPayload(
  message: Uint8Array,
  options: HeaderProtectionOptions,
): { payload: MimeEntity; outerHeaders: ReturnType<typeof readInputMessage>['messageHeaders'] } {
  const input = readInputMessage(message);
  if (options.headerProtection === false || input.messageHeaders.length === 0) {
    return { payload: input.entity, outerHeaders: input.messageHeaders };
  }
  return protectHeaders(message, { mode: 'cipher', ...(options.hcp ? { hcp: options.hcp } : {}) });
}

export async function encryptMime(
  message: Uint8Array,
  options: EncryptMimeOptions,
): Promise<Uint8Array> {
  const { payload, outerHeaders } = encryptionPayload(message, options);
  const armored = await encryptMessage(serializeEntity(payload), options);
  const wrapper = encryptedWrapper(armored);
  return outerHeaders.length > 0 ? joinMessage(outerHeaders, wrapper) : serializeEntity(wrapper);
}

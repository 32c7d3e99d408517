/** How the message's own entity is protected (RFC 3156 / RFC 8551 media types), read before any key. */
import {
  type ContentType,
  entityContentType,
  type ProtectionLayer,
  protectionLayer,
  splitMessage,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import { inlinePgpLayer } from './inline-pgp-layer.js';

/**
 * The protection layer of the message's own entity (part "1"), or null when it is neither
 * PGP/MIME nor S/MIME; EMIME when the bytes are not a readable message. Cheap: no crypto
 * library is loaded, so an app can refuse a wrong message before asking for a passphrase.
 */
export function messageProtection(bytes: Uint8Array): ProtectionLayer | null {
  let type: ContentType;
  try {
    type = entityContentType(splitMessage(bytes).entity);
  } catch (cause) {
    throw new SealpostError('EMIME', 'The file is not a readable RFC 5322 / MIME message.', {
      cause,
    });
  }
  return protectionLayer(type);
}

/**
 * `messageProtection`, else inline PGP in a text/plain part (RFC 9580 §7 cleartext signature or
 * armored message): what `decrypt` and `verify` accept. Loads @sealpost/pgp only when a text
 * part holds an armor line.
 */
export async function findMessageProtection(bytes: Uint8Array): Promise<ProtectionLayer | null> {
  return messageProtection(bytes) ?? (await inlinePgpLayer(bytes));
}

/**
 * The recipient side for both schemes: decrypt (RFC 3156 §4 / RFC 8551 §3.3) or verify
 * (RFC 3156 §5 / RFC 8551 §3.5) a message, with RFC 9788 protected headers winning over the
 * outer ones when the payload carries hp=. One result shape whichever scheme it was.
 */
import { SealpostError } from '@sealpost/errors';
import { openSide } from '../schemes/open-sides.js';
import { openInlinePgp } from './inline-pgp-open.js';
import { withIntegrityNote } from './integrity-note.js';
import { findMessageProtection } from './message-protection.js';
import type { OpenKeys, OpenOptions } from './open-keys.js';
import type { OpenedMessage } from './opened-message.js';
import { bindSender } from './sender-binding.js';

/**
 * Opens a PGP/MIME or S/MIME message: an encrypted one is decrypted with `keys` (and a
 * signature inside checked), a signed one is verified. Only the library of the message's
 * scheme is loaded. Throws ENOT_PROTECTED for a message that is neither, EMIME for bytes that
 * are not a message, EUSAGE when `keys` holds no key of the kind the message needs, and the
 * scheme's own codes (EDECRYPT, ESMIME_DECRYPT, EKEY_…) when decrypting fails. Signature
 * verdicts are not errors: they are in `signatures`.
 */
export async function openMessage(
  bytes: Uint8Array,
  keys: OpenKeys,
  options: OpenOptions = {},
): Promise<OpenedMessage> {
  const layer = await findMessageProtection(bytes);
  if (!layer) {
    throw new SealpostError(
      'ENOT_PROTECTED',
      'The message is neither encrypted nor signed with PGP/MIME, S/MIME or inline PGP.',
    );
  }
  const side = openSide(layer.scheme);
  const opened = layer.format.startsWith('inline-pgp')
    ? await openInlinePgp(bytes, layer, keys, options)
    : layer.kind === 'encrypted'
      ? await side.decrypt(bytes, keys, options)
      : await side.verify(bytes, keys, options);
  return withIntegrityNote(bindSender(opened));
}

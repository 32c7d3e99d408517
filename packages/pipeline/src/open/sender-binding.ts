/**
 * One sender to bind a signature to (RFC 5322 §3.6.2: one From, one mailbox): a message with
 * no From or several is refused for verification whatever the signature says, because "signed
 * by alice" cannot be told apart from "signed by alice, From eve" (decision 0091).
 */
import { senderAddress } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { OpenedMessage, SignatureLine } from './opened-message.js';

/** The sender's error (ESENDER_MISSING / ESENDER_AMBIGUOUS), or null when From is one mailbox. */
function senderError(opened: OpenedMessage): SealpostError | null {
  try {
    senderAddress(opened.headers);
    return null;
  } catch (error) {
    if (error instanceof SealpostError) return error;
    throw error;
  }
}

/**
 * Marks every signature not already invalid as invalid with the sender code; the packages do
 * this for valid ones, this also covers an unknown signer (nothing to verify against either).
 */
export function bindSender(opened: OpenedMessage): OpenedMessage {
  const error = senderError(opened);
  if (!error) return opened;
  const signatures = opened.signatures.map(
    (s): SignatureLine =>
      s.status === 'invalid'
        ? s
        : { ...s, status: 'invalid', code: error.code, reason: error.message },
  );
  const note =
    error.code === 'ESENDER_MISSING'
      ? 'The message has no From field: no signature can vouch for a sender.'
      : 'The message does not name exactly one sender (From): no signature can vouch for it.';
  return { ...opened, signatures, notes: [...opened.notes, note] };
}

/**
 * EFAIL (Poddebniak et al., USENIX Security 2018): S/MIME EnvelopedData encrypts with CBC and
 * no integrity check (RFC 5652 §6), so an attacker can change the plaintext without knowing
 * the key. Only a valid signature inside, or AuthEnvelopedData (RFC 5083), vouches for it.
 */
import type { OpenedMessage } from './opened-message.js';

/** True when the decrypted content may have been changed on the way: no integrity, no valid signature. */
export function contentMalleable(opened: OpenedMessage): boolean {
  return opened.integrity === 'none' && !opened.signatures.some((s) => s.status === 'valid');
}

/** Adds the note saying so to an opened message whose content is malleable. */
export function withIntegrityNote(opened: OpenedMessage): OpenedMessage {
  if (!contentMalleable(opened)) return opened;
  return {
    ...opened,
    notes: [
      ...opened.notes,
      'The content has no integrity protection (S/MIME EnvelopedData, CBC) and no valid signature: anyone on the path could have altered it undetected (EFAIL). Do not act on it; ask for a signed message or AES-GCM (AuthEnvelopedData).',
    ],
  };
}

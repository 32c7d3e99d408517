/**
 * Showing the older protected-headers="v1" scheme (draft-autocrypt-lamps-protected-headers:
 * Enigmail, Thunderbird, Delta Chat) on an opened message, marked `legacy-v1`, never as
 * RFC 9788 (decision 0092): the real Subject is the payload's, not the outer "...".
 */
import {
  type HeaderField,
  joinMessage,
  legacyProtectedHeaders,
  type MimeEntity,
  sameAddress,
  senderAddress,
} from '@sealpost/compose';
import type { OpenedMessage, SignatureLine } from './opened-message.js';

const lower = (name: string) => name.toLowerCase();

function address(headers: readonly HeaderField[]): string | null {
  try {
    return senderAddress(headers);
  } catch {
    return null;
  }
}

/**
 * The payload's legacy header fields win over the outer ones of the same name; the rest of
 * the outer fields stay. When the payload's From is another sender than the outer one (which
 * the signature check used), no signature vouches for what is shown: each becomes invalid.
 */
export function withLegacyHeaders(opened: OpenedMessage, entity: MimeEntity): OpenedMessage {
  const legacy = legacyProtectedHeaders(entity);
  if (opened.headerProtection !== null || !legacy || legacy.length === 0) return opened;
  const names = new Set(legacy.map((f) => lower(f.name)));
  const headers = [...opened.outerHeaders.filter((f) => !names.has(lower(f.name))), ...legacy];
  const inner = address(legacy);
  const outer = address(opened.outerHeaders);
  const differs = names.has('from') && (!inner || !outer || !sameAddress(inner, outer));
  const signatures = differs
    ? opened.signatures.map(
        (s): SignatureLine =>
          s.status === 'invalid'
            ? s
            : {
                ...s,
                status: 'invalid',
                code: 'ESENDER_AMBIGUOUS',
                reason: 'the protected (legacy v1) From is not the outer From',
              },
      )
    : opened.signatures;
  return {
    ...opened,
    headerProtection: 'legacy-v1',
    headers,
    signatures,
    notes: [
      ...opened.notes,
      'Header fields from the older protected-headers="v1" scheme (not RFC 9788): shown as the sender wrote them inside the payload.',
    ],
    message: joinMessage(headers, entity),
  };
}

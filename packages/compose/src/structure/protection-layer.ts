/**
 * How a message is protected, as far as can be told from the outside: PGP/MIME (RFC 3156
 * §4–5), S/MIME (RFC 8551 §3.2–3.5: application/pkcs7-mime or multipart/signed), or inline
 * PGP (RFC 9580 §7 / armored blocks in a text part, found by the inspecting code).
 */
import type { MimeNode } from './mime-tree.js';

export type ProtectionFormat =
  | 'pgp-mime-encrypted'
  | 'pgp-mime-signed'
  | 'inline-pgp-message'
  | 'inline-pgp-signed'
  | 'smime-enveloped'
  | 'smime-signed-detached'
  | 'smime-signed-opaque';

export interface ProtectionLayer {
  readonly scheme: 'pgp' | 'smime';
  readonly kind: 'encrypted' | 'signed';
  readonly format: ProtectionFormat;
  /** Part number of the protected entity ("1" = the whole message body). */
  readonly part: string;
}

const PGP_ENCRYPTED = 'application/pgp-encrypted';
const PGP_SIGNATURE = 'application/pgp-signature';
const SMIME_SIGNATURES = ['application/pkcs7-signature', 'application/x-pkcs7-signature'];
const SMIME_MIME = ['application/pkcs7-mime', 'application/x-pkcs7-mime'];

/**
 * The RFC 3156 / RFC 8551 layer an entity of this content type is, if any (inline PGP is
 * found elsewhere). `part` is its part number in the message ("1" for the message's own entity).
 */
export function protectionLayer(
  type: { readonly mediaType: string; readonly params: Readonly<Record<string, string>> },
  part = '1',
): ProtectionLayer | null {
  const protocol = type.params.protocol?.toLowerCase();
  const at = (scheme: 'pgp' | 'smime', kind: 'encrypted' | 'signed', format: ProtectionFormat) => ({
    scheme,
    kind,
    format,
    part,
  });
  if (type.mediaType === 'multipart/encrypted' && protocol === PGP_ENCRYPTED) {
    return at('pgp', 'encrypted', 'pgp-mime-encrypted');
  }
  if (type.mediaType === 'multipart/signed' && protocol === PGP_SIGNATURE) {
    return at('pgp', 'signed', 'pgp-mime-signed');
  }
  if (type.mediaType === 'multipart/signed' && SMIME_SIGNATURES.includes(protocol ?? '')) {
    return at('smime', 'signed', 'smime-signed-detached');
  }
  if (SMIME_MIME.includes(type.mediaType)) {
    return type.params['smime-type']?.toLowerCase() === 'signed-data'
      ? at('smime', 'signed', 'smime-signed-opaque')
      : at('smime', 'encrypted', 'smime-enveloped');
  }
  return null;
}

/** The layer a node of `mimeTree` is, if any. */
export function nodeProtectionLayer(node: MimeNode): ProtectionLayer | null {
  return protectionLayer({ mediaType: node.contentType, params: node.params }, node.part);
}

/**
 * The outermost protection layer: the root, or else the first layer found without entering
 * attached messages (a mailing list may wrap a signed message in multipart/mixed).
 */
export function findProtectionLayer(root: MimeNode): ProtectionLayer | null {
  const own = nodeProtectionLayer(root);
  if (own) return own;
  if (root.contentType.startsWith('message/')) return null;
  for (const child of root.children) {
    const found = findProtectionLayer(child);
    if (found) return found;
  }
  return null;
}

/**
 * Finding inline PGP (RFC 9580 §7 cleartext signature, §6.2 armored message) in a message's
 * text/plain parts, for `inspect` and for `decrypt` / `verify` of messages that are not
 * PGP/MIME. @sealpost/pgp is loaded only when a part has an armor line at all.
 */
import {
  decodeBody,
  findPart,
  flattenMimeTree,
  type MimeEntity,
  type MimeNode,
  mimeTree,
  type ProtectionLayer,
  splitMessage,
} from '@sealpost/compose';
import { inlinePgpIn } from '../schemes/pgp-open.js';

const INLINE_SCAN_LIMIT = 1 << 20;

/** The decoded text of a part, or null when it cannot be decoded. */
export function partText(root: MimeEntity, part: string): string | null {
  try {
    const entity = findPart(root, part);
    return entity ? new TextDecoder().decode(decodeBody(entity)) : null;
  } catch {
    return null; // an undecodable part is shown in the tree; it is not inline PGP we can read
  }
}

/** Inline PGP in the first text/plain part that carries an armored block (cheap scan). */
export async function findInlinePgp(
  root: MimeEntity,
  tree: MimeNode,
): Promise<ProtectionLayer | null> {
  for (const node of flattenMimeTree(tree)) {
    if (node.contentType !== 'text/plain' || node.size > INLINE_SCAN_LIMIT) continue;
    const text = partText(root, node.part);
    if (text === null) continue;
    const kind = await inlinePgpIn(text);
    if (kind === 'message') {
      return { scheme: 'pgp', kind: 'encrypted', format: 'inline-pgp-message', part: node.part };
    }
    if (kind === 'signed-cleartext') {
      return { scheme: 'pgp', kind: 'signed', format: 'inline-pgp-signed', part: node.part };
    }
  }
  return null;
}

/** The inline PGP layer of a whole message, or null (EMIME is the caller's: bytes were split before). */
export async function inlinePgpLayer(bytes: Uint8Array): Promise<ProtectionLayer | null> {
  let entity: MimeEntity;
  try {
    entity = splitMessage(bytes).entity;
  } catch {
    return null;
  }
  return findInlinePgp(entity, mimeTree(entity));
}

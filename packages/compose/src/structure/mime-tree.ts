/**
 * The MIME tree of a message (RFC 2045 §2.4, RFC 2046 §5): content types, sizes and file
 * names of every part, walked with bounds so a hostile file cannot make the walk explode.
 */
import { parseContentType } from '../entity/content-type.js';
import {
  entityContentType,
  getHeader,
  type MimeEntity,
  parseEntity,
} from '../entity/mime-entity.js';
import { parseMultipart } from '../entity/multipart.js';

export interface MimeNode {
  /** Part number: "1" is the message body, "1.2" its second part (like IMAP section numbers). */
  readonly part: string;
  readonly contentType: string;
  /** The parameters that matter for reading the structure (protocol, smime-type, hp, charset, name, boundary). */
  readonly params: Readonly<Record<string, string>>;
  readonly transferEncoding: string | null;
  readonly disposition: string | null;
  readonly filename: string | null;
  /** Octets of the body as stored (still transfer-encoded). */
  readonly size: number;
  readonly children: readonly MimeNode[];
  /** Why the walk did not go deeper, when it stopped early. */
  readonly note?: string;
}

const SHOWN_PARAMS = ['protocol', 'smime-type', 'hp', 'charset', 'name', 'micalg', 'boundary'];
const MAX_DEPTH = 32;
const MAX_PARTS = 1_000;

function dispositionOf(entity: MimeEntity): {
  disposition: string | null;
  filename: string | null;
} {
  const value = getHeader(entity, 'Content-Disposition');
  if (value === undefined) return { disposition: null, filename: null };
  try {
    // Content-Disposition parameters follow the Content-Type grammar (RFC 2183 §2).
    const parsed = parseContentType(`x/${value.trim()}`);
    return { disposition: parsed.subtype, filename: parsed.params.filename ?? null };
  } catch {
    return { disposition: value.split(';')[0]!.trim().toLowerCase(), filename: null };
  }
}

interface WalkState {
  count: number;
}

function walk(entity: MimeEntity, part: string, depth: number, state: WalkState): MimeNode {
  state.count++;
  let type: ReturnType<typeof entityContentType>;
  let note: string | undefined;
  try {
    type = entityContentType(entity);
  } catch {
    type = {
      type: 'application',
      subtype: 'octet-stream',
      mediaType: 'application/octet-stream',
      params: {},
    };
    note = 'unreadable Content-Type; treated as application/octet-stream';
  }
  const params: Record<string, string> = {};
  for (const name of SHOWN_PARAMS) {
    const value = type.params[name];
    if (value !== undefined) params[name] = value;
  }
  const { disposition, filename } = dispositionOf(entity);
  const children: MimeNode[] = [];
  if (depth >= MAX_DEPTH || state.count >= MAX_PARTS) {
    note = `not walked further (limit of ${MAX_DEPTH} levels / ${MAX_PARTS} parts)`;
  } else if (type.type === 'multipart') {
    try {
      const { parts } = parseMultipart(entity);
      parts.forEach((p, i) => {
        children.push(walk(p.entity, `${part}.${i + 1}`, depth + 1, state));
      });
    } catch (err) {
      note = `multipart body cannot be split: ${(err as Error).message}`;
    }
  } else if (type.mediaType === 'message/rfc822' || type.mediaType === 'message/global') {
    try {
      children.push(walk(parseEntity(entity.body), `${part}.1`, depth + 1, state));
    } catch (err) {
      note = `attached message cannot be read: ${(err as Error).message}`;
    }
  }
  return {
    part,
    contentType: type.mediaType,
    params,
    transferEncoding: getHeader(entity, 'Content-Transfer-Encoding')?.trim().toLowerCase() ?? null,
    disposition,
    filename: filename ?? params.name ?? null,
    size: entity.body.length,
    children,
    ...(note ? { note } : {}),
  };
}

/** Builds the tree of `entity` (the message's own MIME entity is part "1"). */
export function mimeTree(entity: MimeEntity): MimeNode {
  return walk(entity, '1', 0, { count: 0 });
}

/** Every node of the tree, depth first. */
export function flattenMimeTree(node: MimeNode): MimeNode[] {
  return [node, ...node.children.flatMap(flattenMimeTree)];
}

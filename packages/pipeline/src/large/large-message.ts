/**
 * A message file opened for the streamed recipient path (issue 12): its header section is
 * parsed (RFC 5322 §2.1, at most 1 MiB) and its body read in chunks only when asked, as the
 * LargeMessage of streamed-open-side.ts.
 */
import { open } from 'node:fs/promises';
import {
  entityContentType,
  type ProtectionLayer,
  protectionLayer,
  splitMessage,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { LargeMessage, LocatedPart } from '../schemes/streamed-open-side.js';
import { base64Chunks } from './base64-chunks.js';
import { canonicalChunks, lineEndCanonicalizer, SCAN_CHUNK } from './canonical-chunks.js';
import { locateParts } from './locate-parts.js';

const MAX_HEADER_SECTION = 1024 * 1024;

/** The canonical octets up to and including the empty line that ends the header section. */
async function headerSection(path: string): Promise<{ head: Buffer; canonical: boolean }> {
  const canonicalizer = lineEndCanonicalizer();
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024);
      const chunk =
        bytesRead === 0 ? canonicalizer.end() : canonicalizer.push(buffer.subarray(0, bytesRead));
      chunks.push(chunk);
      length += chunk.length;
      const so = Buffer.concat(chunks);
      const start = so[0] === 0x0d && so[1] === 0x0a ? 0 : so.indexOf('\r\n\r\n');
      if (start !== -1) {
        return {
          head: so.subarray(0, start === 0 ? 2 : start + 4),
          canonical: canonicalizer.unchanged,
        };
      }
      if (bytesRead === 0) return { head: so, canonical: canonicalizer.unchanged };
      if (length > MAX_HEADER_SECTION) {
        throw new SealpostError('EMIME', 'The message header section is over 1 MiB.');
      }
    }
  } finally {
    await handle.close();
  }
}

export interface FileMessage extends LargeMessage {
  readonly path: string;
}

/** Reads the header of the message in `path`; null layer when the top level is not protected. */
export async function readLargeMessage(
  path: string,
): Promise<{ message: FileMessage | null; layer: ProtectionLayer | null }> {
  const { head, canonical: headCanonical } = await headerSection(path);
  let split: ReturnType<typeof splitMessage>;
  try {
    split = splitMessage(new Uint8Array(head));
  } catch (cause) {
    throw new SealpostError('EMIME', 'The file is not a readable RFC 5322 / MIME message.', {
      cause,
    });
  }
  const layer = protectionLayer(entityContentType(split.entity));
  if (!layer) return { message: null, layer: null };
  return { message: fileMessage(path, split, head.length, layer, headCanonical), layer };
}

/** A LargeMessage over a file whose header section (`bodyStart` octets) is already split. */
export function fileMessage(
  path: string,
  split: ReturnType<typeof splitMessage>,
  bodyStart: number,
  layer: ProtectionLayer,
  headCanonical = false,
): FileMessage {
  // Whether the whole file is canonical is known after the first full pass (parts()).
  let canonical = false;
  let located: Promise<LocatedPart[]> | undefined;
  const entity = { headers: split.entity.headers, body: new Uint8Array(0) };
  const decodedBody = (chunks: AsyncIterable<Uint8Array>, encodingName: string | undefined) => {
    const encoding = (encodingName ?? '7bit').trim().toLowerCase();
    if (!['7bit', '8bit', 'binary', 'quoted-printable', 'base64'].includes(encoding)) {
      throw new SealpostError('EMIME', 'Unknown Content-Transfer-Encoding.');
    }
    if (encoding === 'base64') return base64Chunks(chunks);
    if (encoding === 'quoted-printable') {
      throw new SealpostError(
        'EMIME',
        'A quoted-printable part this large cannot be opened streamed: no client sends one; ask the sender for base64.',
      );
    }
    return chunks;
  };
  const header = (part: LocatedPart | undefined, name: string) =>
    (part?.entity ?? entity).headers.find((h) => h.name.toLowerCase() === name)?.value;
  return {
    path,
    messageHeaders: split.messageHeaders,
    entity,
    layer,
    bodyStart,
    parts() {
      located ??= (async () => {
        const boundary = entityContentType(entity).params.boundary;
        if (!boundary) throw new SealpostError('EMIME', 'The multipart entity has no boundary.');
        const canonicalizer = lineEndCanonicalizer();
        let offset = 0;
        async function* body(): AsyncGenerator<Buffer> {
          const file = canonicalChunks(path, 0, Number.POSITIVE_INFINITY, true, SCAN_CHUNK);
          for await (const chunk of file) {
            const out = canonicalizer.push(chunk);
            const from = Math.max(0, bodyStart - offset);
            offset += out.length;
            if (from < out.length) yield out.subarray(from);
          }
          const last = canonicalizer.end();
          if (last.length > 0) yield last;
        }
        const parts = await locateParts(body(), boundary, bodyStart);
        // Every part ends before the close delimiter, where the scan stopped: when nothing up
        // to there changed, canonical offsets are file offsets and parts are read directly.
        canonical = headCanonical && canonicalizer.unchanged;
        return parts;
      })();
      return located;
    },
    raw: (part) => canonicalChunks(path, part.start, part.end, canonical),
    decoded(part) {
      const from = part ? part.bodyStart : bodyStart;
      const to = part ? part.end : Number.POSITIVE_INFINITY;
      return decodedBody(
        canonicalChunks(path, from, to, canonical),
        header(part, 'content-transfer-encoding'),
      );
    },
  };
}

/**
 * Writing the inner message of a large opened message to its private file: the header fields
 * to show over the payload entity (compose's joinMessage), then the payload's body streamed
 * with CRLF line ends and no line over 998 octets, as serializeEntity writes it in memory.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type HeaderField, joinMessage, type MimeEntity } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import { bufferView, lineEndCanonicalizer } from './canonical-chunks.js';

const MAX_LINE = 998;
const LF = 0x0a;

/** Writes a stream to a new private file (mode 0600, never an existing one). */
export async function writePrivateFile(
  path: string,
  chunks: AsyncIterable<Uint8Array>,
): Promise<number> {
  let size = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      size += chunk.length;
      yield chunk;
    }
  }
  await pipeline(Readable.from(counted()), createWriteStream(path, { mode: 0o600, flags: 'wx' }));
  return size;
}

/** The body's chunks canonicalised and checked for line length (EMIME, as serializeEntity). */
async function* canonicalBody(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const canonicalizer = lineEndCanonicalizer();
  let lineLength = 0;
  const check = (chunk: Buffer) => {
    let start = -lineLength;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
      if (i - 1 - start > MAX_LINE) tooLong();
      start = i + 1;
    }
    lineLength = chunk.length - start;
    if (lineLength > MAX_LINE) tooLong();
    return chunk;
  };
  for await (const chunk of body) yield check(canonicalizer.push(bufferView(chunk)));
  const last = check(canonicalizer.end());
  if (last.length > 0) yield last;
  if (lineLength > MAX_LINE) tooLong();
}

function tooLong(): never {
  throw new SealpostError(
    'EMIME',
    `A MIME body has a line over ${MAX_LINE} octets: use quoted-printable or base64.`,
  );
}

/**
 * Writes `headers` over `entity`'s header fields and `body` to `path` (null: only counts the
 * octets, checking them the same way); resolves to the size.
 */
export async function writeInnerMessage(
  path: string | null,
  headers: readonly HeaderField[],
  entity: MimeEntity,
  body: AsyncIterable<Uint8Array>,
): Promise<number> {
  const head = joinMessage(headers, { headers: entity.headers, body: new Uint8Array(0) });
  async function* whole(): AsyncGenerator<Uint8Array> {
    yield head;
    yield* canonicalBody(body);
  }
  if (path !== null) return writePrivateFile(path, whole());
  let size = 0;
  for await (const chunk of whole()) size += chunk.length;
  return size;
}

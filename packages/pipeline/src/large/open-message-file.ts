/**
 * openMessage for a message too large for memory (issue 12), from its file: the scheme's
 * streamed side decrypts or verifies in chunks, the plaintext goes to a private temporary
 * file (0600 in a 0700 directory, removed on every exit path), and only after every check at
 * the end of the stream passed (MDC, AEAD tag, signatures) is the inner message written for
 * release. Same result as openMessage, the inner message aside (docs/decisions/0121–0122).
 */
import {
  entityContentType,
  type MimeEntity,
  parseEntity,
  protectionLayer,
  redactedError,
  splitMessage,
  unprotectHeaders,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import { withIntegrityNote } from '../open/integrity-note.js';
import { withLegacyHeaders } from '../open/legacy-header-protection.js';
import type { OpenKeys, OpenOptions } from '../open/open-keys.js';
import type { OpenedMessage } from '../open/opened-message.js';
import { bindSender } from '../open/sender-binding.js';
import { schemeAdapter } from '../schemes/scheme.js';
import type {
  StreamedFacts,
  StreamedOpening,
  StreamedOpenSide,
} from '../schemes/streamed-open-side.js';
import { createSpoolDir, type SpoolDir } from '../spool/spool-dir.js';
import { canonicalChunks } from './canonical-chunks.js';
import { writeInnerMessage, writePrivateFile } from './inner-message-file.js';
import { type FileMessage, fileMessage, readLargeMessage } from './large-message.js';
import { type OpenedMessageFile, openedMessageFile } from './opened-message-file.js';

const MAX_PAYLOAD_HEADER = 1024 * 1024;

export interface OpenFileOptions extends OpenOptions {
  /** Where the private temporary directory is made (default the OS temp dir, TMPDIR). */
  readonly spoolBase?: string;
}

/** Where the payload entity lies once opened: its octets from `start` to `end`. */
interface PayloadRange {
  read(start: number, end: number): AsyncIterable<Uint8Array>;
  readonly start: number;
  readonly end: number;
  /** The file it is in, for a nested signed entity to be opened from. */
  readonly path: string;
}

/** Reads the payload through into the private file (stream) or points at the part (part). */
async function settle(
  source: FileMessage,
  opening: StreamedOpening,
  spool: SpoolDir,
  name: string,
): Promise<{ range: PayloadRange; facts: StreamedFacts }> {
  if (opening.payload.kind === 'part') {
    const { part } = opening.payload;
    return {
      range: {
        read: (start, end) => source.raw({ ...part, start, end, bodyStart: start, bytes: null }),
        start: part.start,
        end: part.end,
        path: source.path,
      },
      facts: await opening.checked,
    };
  }
  const path = spool.file(name);
  const [size, facts] = await Promise.all([
    writePrivateFile(path, opening.payload.bytes),
    opening.checked,
  ]);
  return {
    range: { read: (start, end) => canonicalChunks(path, start, end), start: 0, end: size, path },
    facts,
  };
}

/** The payload's header section (at most 1 MiB) parsed, and where its body starts. */
async function payloadHead(
  range: PayloadRange,
): Promise<{ entity: MimeEntity; bytes: Uint8Array; bodyStart: number }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const limit = Math.min(range.end, range.start + MAX_PAYLOAD_HEADER + 4);
  for await (const chunk of range.read(range.start, limit)) {
    chunks.push(Buffer.from(chunk));
    length += chunk.length;
    const head = Buffer.concat(chunks);
    const at = head[0] === 0x0d && head[1] === 0x0a ? -2 : head.indexOf('\r\n\r\n');
    if (at !== -1) {
      const bytes = new Uint8Array(head.subarray(0, at + 4));
      return { entity: parseEntity(bytes), bytes, bodyStart: range.start + at + 4 };
    }
  }
  if (range.start + length < range.end) {
    throw new SealpostError('EMIME', 'The payload header section is over 1 MiB.');
  }
  // No empty line: all header, no body (as parseEntity reads it).
  const bytes = new Uint8Array(Buffer.concat(chunks));
  return { entity: parseEntity(bytes), bytes, bodyStart: range.end };
}

/**
 * Opens the message in `path` streamed. Throws ENOT_PROTECTED when its top level is neither
 * PGP/MIME nor S/MIME, EINTERNAL when its scheme has no streamed side for that layer (see
 * `streamedProtection`), and what the scheme throws (EDECRYPT, …): then no file is left.
 */
export async function openMessageFile(
  path: string,
  keys: OpenKeys,
  options: OpenFileOptions = {},
): Promise<OpenedMessageFile> {
  const { message, layer } = await readLargeMessage(path);
  if (!message || !layer) {
    throw new SealpostError(
      'ENOT_PROTECTED',
      'The message is neither encrypted nor signed with PGP/MIME or S/MIME.',
    );
  }
  const adapter = schemeAdapter(layer.scheme);
  if (!adapter.streamed?.streams(layer)) {
    throw new SealpostError(
      'EINTERNAL',
      `No streamed opening for ${layer.format}: use openMessage.`,
    );
  }
  const side = await adapter.streamed.load();
  const spool = createSpoolDir(options.spoolBase);
  try {
    return await openIn(spool, message, side, keys, options);
  } catch (error) {
    await spool.remove();
    throw error;
  }
}

async function openIn(
  spool: SpoolDir,
  message: FileMessage,
  side: StreamedOpenSide,
  keys: OpenKeys,
  options: OpenOptions,
): Promise<OpenedMessageFile> {
  const { layer } = message;
  const encrypted = layer.kind === 'encrypted';
  const first = encrypted
    ? await side.decrypt(message, keys, options)
    : await side.verify(message, keys, options);
  let { range, facts } = await settle(message, first, spool, 'payload.eml');
  const all = [facts];
  try {
    let head = await payloadHead(range);
    // RFC 3156 §6.1 / RFC 8551 §3.7: signed, then encrypted; the signed entity is inside.
    const inner = encrypted ? protectionLayer(entityContentType(head.entity)) : null;
    const adapter = schemeAdapter(layer.scheme);
    if (
      inner?.kind === 'signed' &&
      inner.scheme === layer.scheme &&
      adapter.streamed?.streams(inner)
    ) {
      const split = splitMessage(head.bytes);
      const nested = fileMessage(range.path, split, head.bodyStart, inner);
      ({ range, facts } = await settle(
        nested,
        await side.verify(nested, keys, options),
        spool,
        'signed.eml',
      ));
      all.push(facts);
      head = await payloadHead(range);
    }
    const { hp, headers, hpOuter, entity } = unprotectHeaders(head.entity);
    const shown = hp === undefined ? message.messageHeaders : headers;
    const signatures = (await Promise.all(all.map((f) => f.signatures(shown)))).flat();
    const outer = all[0]!;
    const opened: OpenedMessage = withIntegrityNote(
      bindSender(
        withLegacyHeaders(
          {
            scheme: layer.scheme,
            encrypted,
            inline: false,
            encryption: outer.encryption,
            integrity: encrypted ? outer.integrity : null,
            headerProtection: hp ?? null,
            headers: shown,
            outerHeaders: message.messageHeaders,
            hpOuter,
            signatures,
            notes: all.flatMap((f) => f.notes),
            message: new Uint8Array(0),
          },
          entity,
        ),
      ),
    );
    const innerPath = spool.file('inner.eml');
    const size = await writeInnerMessage(
      innerPath,
      opened.headers,
      entity,
      range.read(head.bodyStart, range.end),
    );
    const { message: _none, ...result } = opened;
    return openedMessageFile(result, innerPath, size, spool);
  } catch (error) {
    if (!encrypted) throw error;
    // What failed here is decrypted content: the error keeps its code but quotes none of it.
    const code = layer.scheme === 'pgp' ? 'EPGP_FORMAT' : 'ESMIME_FORMAT';
    throw redactedError(error, {
      where: `decrypted ${layer.scheme === 'pgp' ? 'PGP/MIME' : 'S/MIME'} content`,
      fallbackCode: code,
      keepMessage: [code],
    });
  }
}

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
import { bufferView, canonicalChunks, lineEndCanonicalizer } from './canonical-chunks.js';
import { writeInnerMessage, writePrivateFile } from './inner-message-file.js';
import { type FileMessage, fileMessage, readLargeMessage } from './large-message.js';
import { type OpenedMessageFile, openedMessageFile } from './opened-message-file.js';

const MAX_PAYLOAD_HEADER = 1024 * 1024;

export interface OpenFileOptions extends OpenOptions {
  /** Where the private temporary directory is made (default the OS temp dir, TMPDIR). */
  readonly spoolBase?: string;
  /**
   * false: the inner message is not kept, only its size is computed (verify without --out
   * writes no second copy); `release` then fails with EINTERNAL. Default true.
   */
  readonly keepMessage?: boolean;
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
  const { bytes } = opening.payload;
  // Written canonical, so its size is the end of its canonical octets.
  async function* canonical(): AsyncGenerator<Uint8Array> {
    const canonicalizer = lineEndCanonicalizer();
    for await (const chunk of bytes) yield canonicalizer.push(bufferView(chunk));
    const last = canonicalizer.end();
    if (last.length > 0) yield last;
  }
  const [size, facts] = await Promise.all([writePrivateFile(path, canonical()), opening.checked]);
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
    chunks.push(bufferView(chunk));
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

/** The payload's header section and the rest of its octets, canonical, as they come. */
async function splitPayload(
  bytes: AsyncIterable<Uint8Array>,
): Promise<{ head: { entity: MimeEntity; bytes: Uint8Array }; rest: AsyncIterable<Uint8Array> }> {
  const canonicalizer = lineEndCanonicalizer();
  const iterator = bytes[Symbol.asyncIterator]();
  let buffered: Buffer = Buffer.alloc(0);
  for (;;) {
    const next = await iterator.next();
    const chunk = next.done ? canonicalizer.end() : canonicalizer.push(bufferView(next.value));
    buffered = Buffer.concat([buffered, chunk]);
    const at = buffered[0] === 0x0d && buffered[1] === 0x0a ? -2 : buffered.indexOf('\r\n\r\n');
    if (at !== -1 || next.done) {
      const end = at === -1 ? buffered.length : at + 4;
      const head = new Uint8Array(buffered.subarray(0, end));
      const after = buffered.subarray(end);
      const done = next.done === true;
      async function* rest(): AsyncGenerator<Uint8Array> {
        if (after.length > 0) yield after;
        if (done) return;
        for (let n = await iterator.next(); !n.done; n = await iterator.next()) {
          yield canonicalizer.push(bufferView(n.value));
        }
        const last = canonicalizer.end();
        if (last.length > 0) yield last;
      }
      return { head: { entity: parseEntity(head), bytes: head }, rest: rest() };
    }
    if (buffered.length > MAX_PAYLOAD_HEADER) {
      throw new SealpostError('EMIME', 'The payload header section is over 1 MiB.');
    }
  }
}

/** What the inner message shows, from the payload's header section alone (RFC 9788 §4.3). */
function payloadView(payload: MimeEntity, message: FileMessage) {
  const { hp, headers, hpOuter, entity } = unprotectHeaders(payload);
  return { hp, hpOuter, entity, shown: hp === undefined ? message.messageHeaders : headers };
}

type PayloadView = ReturnType<typeof payloadView>;

/** The opened message from the view and the checks' facts (openMessage's order of checks). */
async function assemble(
  message: FileMessage,
  view: PayloadView,
  all: readonly StreamedFacts[],
): Promise<OpenedMessage> {
  const encrypted = message.layer.kind === 'encrypted';
  const outer = all[0];
  const signatures = (await Promise.all(all.map((f) => f.signatures(view.shown)))).flat();
  const kind = { encrypted, inline: false, encryption: outer?.encryption ?? null };
  return withIntegrityNote(
    bindSender(
      withLegacyHeaders(
        {
          scheme: message.layer.scheme,
          // In the order of the scheme's in-memory result (pgp-open.ts names `encryption`
          // first), so that a JSON document of either path is the same text (decision 0142).
          ...(message.layer.scheme === 'pgp'
            ? { encryption: kind.encryption, inline: kind.inline, encrypted }
            : kind),
          integrity: encrypted ? (outer?.integrity ?? null) : null,
          headerProtection: view.hp ?? null,
          headers: view.shown,
          outerHeaders: message.messageHeaders,
          hpOuter: view.hpOuter,
          signatures,
          notes: all.flatMap((f) => f.notes),
          message: new Uint8Array(0),
        },
        view.entity,
      ),
    ),
  );
}

/** Errors about decrypted content keep their code but quote none of it (as decryptMime). */
function redacted(error: unknown, message: FileMessage): unknown {
  if (message.layer.kind !== 'encrypted') return error;
  // A failed MDC / tag read at the end of the stream quotes nothing: it keeps its own text.
  if (error instanceof SealpostError && ['EDECRYPT', 'ESMIME_DECRYPT'].includes(error.code)) {
    return error;
  }
  const code = message.layer.scheme === 'pgp' ? 'EPGP_FORMAT' : 'ESMIME_FORMAT';
  return redactedError(error, {
    where: `decrypted ${message.layer.scheme === 'pgp' ? 'PGP/MIME' : 'S/MIME'} content`,
    fallbackCode: code,
    // The codes decryptMime keeps the text of: theirs quote nothing of the content.
    keepMessage:
      message.layer.scheme === 'pgp'
        ? [code]
        : [code, 'ESMIME_CONTENT_CONFUSION', 'ESMIME_UNSUPPORTED'],
  });
}

/** The scheme's signed layer when the payload is signed inside the encryption (RFC 3156 §6.1). */
function nestedSigned(message: FileMessage, payload: MimeEntity) {
  if (message.layer.kind !== 'encrypted') return null;
  const inner = protectionLayer(entityContentType(payload));
  const adapter = schemeAdapter(message.layer.scheme);
  return inner?.kind === 'signed' &&
    inner.scheme === message.layer.scheme &&
    adapter.streamed?.streams(inner)
    ? inner
    : null;
}

async function openIn(
  spool: SpoolDir,
  message: FileMessage,
  side: StreamedOpenSide,
  keys: OpenKeys,
  options: OpenFileOptions,
): Promise<OpenedMessageFile> {
  const first =
    message.layer.kind === 'encrypted'
      ? await side.decrypt(message, keys, options)
      : await side.verify(message, keys, options);
  const innerPath = options.keepMessage === false ? null : spool.file('inner.eml');
  if (first.payload.kind === 'stream') {
    // One pass: the inner message is written as the plaintext comes (its header fields are
    // known from the payload's own header section), into the private directory only.
    const payload = first.payload.bytes;
    const written = (async () => {
      const { head, rest } = await splitPayload(payload).catch((e) => {
        throw redacted(e, message);
      });
      if (nestedSigned(message, head.entity)) {
        async function* whole(): AsyncGenerator<Uint8Array> {
          yield head.bytes;
          yield* rest;
        }
        const path = spool.file('payload.eml');
        const size = await writePrivateFile(path, whole());
        return { kind: 'nested', path, size } as const;
      }
      let view: PayloadView;
      let headers: OpenedMessage['headers'];
      try {
        view = payloadView(head.entity, message);
        headers = (await assemble(message, { ...view }, [])).headers;
      } catch (error) {
        throw redacted(error, message);
      }
      const size = await writeInnerMessage(innerPath, headers, view.entity, rest);
      return { kind: 'inner', view, size } as const;
    })();
    const [result, facts] = await Promise.all([written, first.checked]);
    if (result.kind === 'nested') {
      const { path, size } = result;
      const range: PayloadRange = {
        read: (start, end) => canonicalChunks(path, start, end),
        start: 0,
        end: size,
        path,
      };
      return finishFromRange(spool, message, side, keys, options, range, [facts]);
    }
    const opened = await assemble(message, result.view, [facts]);
    const { message: _none, ...shown } = opened;
    return openedMessageFile(shown, innerPath, result.size, spool);
  }
  const { range, facts } = await settle(message, first, spool, 'payload.eml');
  return finishFromRange(spool, message, side, keys, options, range, [facts]);
}

/** The inner message from a payload that lies in a file: a signed part, or signed inside. */
async function finishFromRange(
  spool: SpoolDir,
  message: FileMessage,
  side: StreamedOpenSide,
  keys: OpenKeys,
  options: OpenFileOptions,
  payload: PayloadRange,
  facts: StreamedFacts[],
): Promise<OpenedMessageFile> {
  let range = payload;
  const all = [...facts];
  try {
    let head = await payloadHead(range);
    const inner = nestedSigned(message, head.entity);
    if (inner) {
      const nested = fileMessage(range.path, splitMessage(head.bytes), head.bodyStart, inner);
      const opening = await side.verify(nested, keys, options);
      const settled = await settle(nested, opening, spool, 'signed.eml');
      range = settled.range;
      all.push(settled.facts);
      head = await payloadHead(range);
    }
    const view = payloadView(head.entity, message);
    const opened = await assemble(message, view, all);
    const innerPath = options.keepMessage === false ? null : spool.file('inner.eml');
    const size = await writeInnerMessage(
      innerPath,
      opened.headers,
      view.entity,
      range.read(head.bodyStart, range.end),
    );
    const { message: _none, ...result } = opened;
    return openedMessageFile(result, innerPath, size, spool);
  } catch (error) {
    throw redacted(error, message);
  }
}

import type { Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import type { Message } from '../message/message.js';
import { CanonicalLineEnds } from './canonical-stream.js';
import { composerOptions, type ToMimeOptions } from './composer-options.js';
import { encodeStreamAttachments } from './stream-attachments.js';

function asSealpostError(error: unknown): SealpostError {
  if (error instanceof SealpostError) return error;
  return new SealpostError(
    'EATTACHMENT',
    'The message could not be encoded: an attachment could not be read.',
    {
      cause: error,
    },
  );
}

// nodemailer's MIME writer (~240 KB with node:http, node:zlib, … behind it) is loaded on the
// first message written: the recipient side imports this package but never writes MIME.
let composer: Promise<typeof import('nodemailer/lib/mail-composer')> | undefined;
const loadComposer = () => {
  composer ??= import('nodemailer/lib/mail-composer');
  return composer;
};

/** The attachments given to nodemailer as streams (files and callers' streams). */
function streamContents(options: ReturnType<typeof composerOptions>): Set<Readable> {
  const streams = new Set<Readable>();
  for (const a of options.attachments ?? []) {
    const content = (a as { content?: unknown }).content;
    if (content && typeof (content as Readable).pipe === 'function')
      streams.add(content as Readable);
  }
  return streams;
}

/**
 * The message as a stream of canonical RFC 5322 / MIME bytes (CRLF only, lines ≤ 998),
 * built by nodemailer's MailComposer and never buffered whole.
 */
export function toMimeStream(message: Message, options: ToMimeOptions = {}): Readable {
  // Checked now, so a bad message still throws here and not later from the stream.
  const composerInput = composerOptions(message, options);
  const canonical = new CanonicalLineEnds({ sevenBitBody: options.forSigning ?? false });
  loadComposer().then(
    ({ default: MailComposer }) => {
      if (canonical.destroyed) return; // the reader stopped before the writer was loaded
      const tree = new MailComposer(composerInput).compile();
      encodeStreamAttachments(tree, streamContents(composerInput));
      const source = tree.createReadStream();
      // Errors of the source (an unreadable attachment) reach the reader as SealpostError, and
      // a reader that stops early stops the source too.
      source.once('error', (error: unknown) => canonical.destroy(asSealpostError(error)));
      canonical.once('close', () => source.destroy());
      source.pipe(canonical);
    },
    (error: unknown) => canonical.destroy(asSealpostError(error)),
  );
  return canonical;
}

/** The message as canonical bytes (see toMimeStream); buffers the whole message. */
export async function toMime(message: Message, options: ToMimeOptions = {}): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of toMimeStream(message, options)) chunks.push(chunk as Buffer);
  } catch (error) {
    throw asSealpostError(error);
  }
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
}

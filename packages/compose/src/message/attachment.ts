import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { parseContentType } from '../entity/content-type.js';
import type { Attachment, AttachmentInput } from './message.js';

/** Control and format characters refused in a file name (CR/LF would be header injection). */
const NAME_BREAKS = /[\r\n\0]/;
const NAME_CONTROLS =
  /[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]/u;
/** Longest file name most file systems store (255 octets). */
const MAX_NAME = 255;

function attachmentError(message: string, cause?: unknown): SealpostError {
  return new SealpostError('EATTACHMENT', message, cause === undefined ? {} : { cause });
}

/**
 * A file name a recipient can save safely: no line breaks (EHEADER: header injection), no
 * other controls or bidi overrides ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"), no
 * path separators or dot names (EATTACHMENT).
 */
export function checkFilename(name: unknown): string {
  if (typeof name !== 'string') throw attachmentError('An attachment file name must be a string.');
  if (NAME_BREAKS.test(name)) {
    throw new SealpostError(
      'EHEADER',
      `Attachment file name ${quoteUntrusted(name)} has a line break or NUL.`,
    );
  }
  const reason = NAME_CONTROLS.test(name)
    ? 'control or bidi characters'
    : /[/\\]/.test(name)
      ? 'a path separator'
      : name.trim() === '' || name === '.' || name === '..'
        ? 'no usable name'
        : new TextEncoder().encode(name).length > MAX_NAME
          ? `more than ${MAX_NAME} octets`
          : undefined;
  if (reason) throw attachmentError(`Attachment file name ${quoteUntrusted(name)} has ${reason}.`);
  return name;
}

/** "type/subtype" with optional parameters (RFC 2045 §5.1); line breaks are EHEADER. */
function checkContentType(value: unknown): string {
  if (typeof value !== 'string')
    throw attachmentError('An attachment content type must be a string.');
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new SealpostError(
      'EHEADER',
      `Attachment content type ${quoteUntrusted(value)} has control characters.`,
    );
  }
  try {
    const parsed = parseContentType(value);
    if (parsed.type === 'multipart') throw new Error('multipart');
  } catch (cause) {
    throw attachmentError(
      `Attachment content type ${quoteUntrusted(value)} is not "type/subtype".`,
      cause,
    );
  }
  return value;
}

/** Validates one attachment; a path must name a readable regular file now. */
export function checkAttachment(input: AttachmentInput): Attachment {
  const sources = [input?.content, input?.path, input?.stream].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    throw attachmentError('Give each attachment exactly one of content, path or stream.');
  }
  const disposition = input.disposition ?? 'attachment';
  if (disposition !== 'attachment' && disposition !== 'inline') {
    throw new SealpostError(
      'EHEADER',
      `Attachment disposition ${quoteUntrusted(String(disposition))} is not allowed.`,
    );
  }
  let filename = input.filename === undefined ? undefined : checkFilename(input.filename);
  const contentType =
    input.contentType === undefined ? undefined : checkContentType(input.contentType);
  const out: { -readonly [K in keyof Attachment]: Attachment[K] } = { disposition };
  if (input.path !== undefined) {
    if (typeof input.path !== 'string')
      throw attachmentError('An attachment path must be a string.');
    try {
      if (!statSync(input.path).isFile()) throw new Error('not a regular file');
    } catch (cause) {
      throw attachmentError(
        `Attachment ${quoteUntrusted(input.path)} is not a readable file.`,
        cause,
      );
    }
    out.path = input.path;
    filename ??= checkFilename(basename(input.path));
  } else if (input.stream !== undefined) {
    if (typeof input.stream?.pipe !== 'function')
      throw attachmentError('An attachment stream must be a Readable.');
    out.stream = input.stream;
  } else if (typeof input.content === 'string') {
    out.content = new TextEncoder().encode(input.content);
  } else if (input.content instanceof Uint8Array) {
    out.content = input.content;
  } else {
    throw attachmentError('Attachment content must be a Uint8Array or a string.');
  }
  if (filename !== undefined) out.filename = filename;
  if (contentType !== undefined) out.contentType = contentType;
  return Object.freeze(out);
}

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import type { MailComposerAttachment, MailComposerOptions } from 'nodemailer/lib/mail-composer';
import type { Address } from '../address/address.js';
import type { Attachment, Message } from '../message/message.js';

export interface ToMimeOptions {
  /** Every part 7-bit clean: text quoted-printable, attachments base64 (RFC 3156 §3, RFC 8551 §3.1). */
  readonly forSigning?: boolean;
  /**
   * Fixed boundaries, and a fixed Date and Message-ID unless the message set them: for tests
   * and vectors. Refuses (EMESSAGE) text, HTML or in-memory attachments containing the fixed
   * boundary; stream and file attachments are not scanned, so use it with trusted content.
   */
  readonly deterministic?: boolean;
}

/** The Date used by deterministic output when the message did not set one. */
export const DETERMINISTIC_DATE = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));

/**
 * The read size for file attachments: 4,599 base64 lines of 57 octets (~256 KiB), so chunks
 * encode without a carry, and each stage after it (the encoder, nodemailer's streams, the
 * line-end check, the encryptor) handles a quarter of the chunks it did at 64 KiB.
 */
const ATTACHMENT_READ = 57 * 4599;

/** Streams given by the caller can be read once; a second encoding would send an empty part. */
const consumedStreams = new WeakSet<Readable>();

/** nodemailer gets parsed { name, address } objects only, never text it would parse itself. */
function mailbox(address: Address): { name: string; address: string } {
  return { name: address.name ?? '', address: address.address };
}

function attachmentOptions(attachment: Attachment, forSigning: boolean): MailComposerAttachment {
  let content: Buffer | Readable;
  if (attachment.content) {
    const bytes = attachment.content;
    content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } else if (attachment.path !== undefined) {
    content = createReadStream(attachment.path, { highWaterMark: ATTACHMENT_READ });
  } else {
    const stream = attachment.stream!;
    if (consumedStreams.has(stream)) {
      throw new SealpostError(
        'EATTACHMENT',
        'A stream attachment was already encoded once: build the message again with a new stream.',
      );
    }
    consumedStreams.add(stream);
    content = stream;
  }
  return {
    content,
    contentDisposition: attachment.disposition,
    // false keeps nodemailer from inventing a name from the path it never sees.
    filename: attachment.filename ?? false,
    ...(attachment.contentType ? { contentType: attachment.contentType } : {}),
    ...(forSigning ? { contentTransferEncoding: 'base64' } : {}),
  };
}

const DETERMINISTIC_BOUNDARY = '_sealpost-deterministic-Part_';

/**
 * Fixed boundaries are predictable: content that contains one could end a part early and
 * forge another (RFC 2046 §5.1.1). Random boundaries (the default) cannot be guessed.
 */
function assertNoFixedBoundary(message: Message): void {
  const marker = new TextEncoder().encode(DETERMINISTIC_BOUNDARY);
  const texts = [message.text ?? '', message.html ?? ''];
  const found =
    texts.some((t) => t.includes(DETERMINISTIC_BOUNDARY)) ||
    message.attachments.some((a) => a.content && Buffer.from(a.content).indexOf(marker) !== -1);
  if (found) {
    throw new SealpostError(
      'EMESSAGE',
      'The content contains the fixed boundary of deterministic mode: encode it without deterministic.',
    );
  }
}

/** Maps a validated Message onto MailComposer options (Bcc is never passed on). */
export function composerOptions(message: Message, options: ToMimeOptions): MailComposerOptions {
  const forSigning = options.forSigning ?? false;
  const deterministic = options.deterministic ?? false;
  if (deterministic) assertNoFixedBoundary(message);
  const textEncoding = forSigning ? { contentTransferEncoding: 'quoted-printable' } : {};
  const domain = message.from.address.slice(message.from.address.lastIndexOf('@') + 1);
  const composer: MailComposerOptions = {
    from: mailbox(message.from),
    ...(message.sender ? { sender: mailbox(message.sender) } : {}),
    ...(message.replyTo.length ? { replyTo: message.replyTo.map(mailbox) } : {}),
    ...(message.to.length ? { to: message.to.map(mailbox) } : {}),
    ...(message.cc.length ? { cc: message.cc.map(mailbox) } : {}),
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    messageId:
      deterministic && message.generated.messageId
        ? `<deterministic@${domain}>`
        : message.messageId,
    date: deterministic && message.generated.date ? DETERMINISTIC_DATE : message.date,
    headers: message.headers.map((h) => ({ key: h.name, value: h.value })),
    attachments: message.attachments.map((a) => attachmentOptions(a, forSigning)),
    envelope: { from: message.envelope.from, to: [...message.envelope.to] },
    // Content is always given inline: nodemailer must never read files or URLs on its own.
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(deterministic ? { baseBoundary: 'deterministic', boundaryPrefix: '--_sealpost' } : {}),
  };
  // nodemailer writes an alternative object with empty content as an object: pass '' as is.
  if (message.text !== undefined) {
    composer.text = message.text === '' ? '' : { content: message.text, ...textEncoding };
  }
  if (message.html !== undefined) {
    composer.html = message.html === '' ? '' : { content: message.html, ...textEncoding };
  }
  return composer;
}

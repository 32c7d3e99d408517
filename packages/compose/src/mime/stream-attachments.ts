/**
 * Large attachments are base64-encoded (RFC 2045 §6.8) by our own Base64Lines instead of
 * nodemailer's encoder: each attachment node of the compiled tree whose content is a stream
 * gets, as its raw content, the header section nodemailer builds for it followed by our
 * encoding. The bytes are the same; nodemailer only no longer encodes them.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type MimeNode from 'nodemailer/lib/mime-node';
import { Base64Lines } from './base64-lines.js';

/** Gives every node below `node` whose content is one of `streams` the native encoder. */
export function encodeStreamAttachments(node: MimeNode, streams: ReadonlySet<Readable>): void {
  for (const child of node.childNodes) encodeStreamAttachments(child, streams);
  const content = node.content as Readable | undefined;
  if (!content || !streams.has(content) || node.getTransferEncoding() !== 'base64') return;
  // What nodemailer writes for a content node: its header section, the empty line, then the
  // encoded content (it writes the string, so as UTF-8).
  const encoder = new Base64Lines({ head: Buffer.from(`${node.buildHeaders()}\r\n\r\n`) });
  // An error of the content (an unreadable file) destroys the encoder with it, which
  // nodemailer reports on the message stream; a destroyed encoder stops the content.
  pipeline(content, encoder, () => {});
  node.setRaw(encoder);
}

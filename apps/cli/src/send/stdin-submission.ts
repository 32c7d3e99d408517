/**
 * sendmail's standard input as a submission (RFC 5322 message, `sendmail -t`): read into memory
 * when it is small, as before; past the spool threshold only the header section is read
 * strictly (readSubmission on it: addresses, no Bcc, Date/Message-ID) and the body is streamed,
 * with CRLF line ends, into prepareSend's private spool file (issue 12, decision 0105).
 */
import { Readable } from 'node:stream';
import type { ReadSubmissionOptions } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { PlanInput } from '@sealpost/pipeline';
import type { Envelope } from '@sealpost/transport';

/** What sendmail hands to deliver: the address lists, the envelope and the bytes. */
export interface StdinSubmission extends PlanInput {
  readonly envelope: Envelope;
  readonly mime: Uint8Array | AsyncIterable<Uint8Array>;
  /** What was rewritten on the way in (readSubmission's notes: qualified names, duplicates …). */
  readonly changes: readonly string[];
}

/** Index just after the empty line that ends the header section (CRLF or bare LF), or -1. */
function headerEnd(bytes: Buffer): number {
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) {
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

export async function readStdinSubmission(
  stdin: NodeJS.ReadableStream,
  options: ReadSubmissionOptions,
  threshold: number,
): Promise<StdinSubmission> {
  const { readSubmission, CanonicalLineEnds } = await import('@sealpost/compose');
  const chunks = stdin[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await chunks.next();
    if (next.done) {
      const input = new Uint8Array(Buffer.concat(buffered));
      if (input.length === 0) throw new SealpostError('EMESSAGE', 'No message on standard input.');
      return readSubmission(input, options);
    }
    const chunk = Buffer.from(next.value as Buffer);
    buffered.push(chunk);
    size += chunk.length;
    if (size > threshold) break;
  }
  const start = Buffer.concat(buffered);
  const end = headerEnd(start);
  if (end === -1)
    throw new SealpostError('EMESSAGE', 'The header section of the message is too long.');
  const { mime: head, ...submission } = readSubmission(
    new Uint8Array(start.subarray(0, end)),
    options,
  );
  async function* body(): AsyncGenerator<Buffer> {
    yield start.subarray(end);
    for (let next = await chunks.next(); !next.done; next = await chunks.next())
      yield Buffer.from(next.value as Buffer);
  }
  const canonical = Readable.from(body()).pipe(new CanonicalLineEnds());
  async function* message(): AsyncGenerator<Uint8Array> {
    yield head;
    yield* canonical;
  }
  return { ...submission, mime: message() };
}

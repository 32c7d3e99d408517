/**
 * The self-check of a spooled copy, read back from its file in chunks (constant memory): the
 * line format of RFC 5322 §2.1.1 (CRLF only, no NUL, no line over 998 octets) across chunk
 * borders, then the same top-level checks as selfCheck on the header section. Also reports
 * what the envelope needs (8-bit octets, UTF-8 in the header section) from the same pass.
 */
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { getHeader, parseContentType, splitMessage } from '@sealpost/compose';
import { schemeAdapter } from '../schemes/scheme.js';
import { checkTopLevel, fail, type SelfCheckInput } from '../self-check.js';
import { signedParts } from './signed-parts.js';
import { SPOOL_READ } from './spooled-copy.js';

/** The multipart boundary of a header section checkTopLevel accepted as multipart/signed. */
function boundaryOf(headerSection: Uint8Array): string {
  const contentType = getHeader(splitMessage(headerSection).entity, 'content-type');
  const boundary = contentType ? parseContentType(contentType).params.boundary : undefined;
  if (!boundary) fail('multipart/signed without a boundary');
  return boundary;
}

const CR = 0x0d;
const LF = 0x0a;
const MAX_LINE = 998;
/** A header section longer than this is refused (the streaming encoders use the same bound). */
const MAX_HEADER_SECTION = 1024 * 1024;

export interface StreamCheckFacts {
  /** A byte outside 7-bit ASCII anywhere (RFC 6152: BODY=8BITMIME). */
  readonly eightBit: boolean;
  /** UTF-8 in the top-level header section (RFC 6532: SMTPUTF8). */
  readonly utf8Header: boolean;
  readonly size: number;
}

/** Checks a spooled copy's bytes; throws ESELFCHECK (nothing sent) on the first problem. */
export async function selfCheckFile(
  path: string,
  input: Omit<SelfCheckInput, 'raw'>,
): Promise<StreamCheckFacts> {
  let offset = 0;
  let lineLength = 0;
  let previous = -1;
  let eightBit = false;
  const head: Buffer[] = [];
  let headLength = 0;
  let headDone = false;
  for await (const value of createReadStream(path, { highWaterMark: SPOOL_READ })) {
    const chunk = value as Buffer;
    if (chunk.includes(0)) fail(`NUL byte at ${offset + chunk.indexOf(0)}`);
    if (!eightBit && !isAscii(chunk)) eightBit = true;
    if (previous === CR && chunk[0] !== LF) fail(`bare CR at byte ${offset - 1}`);
    for (let i = chunk.indexOf(CR); i !== -1; i = chunk.indexOf(CR, i + 1)) {
      if (i + 1 < chunk.length && chunk[i + 1] !== LF) fail(`bare CR at byte ${offset + i}`);
    }
    let lineStart = -lineLength;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
      const before = i === 0 ? previous : chunk[i - 1];
      if (before !== CR) fail(`bare LF at byte ${offset + i}`);
      const length = i - 1 - lineStart;
      if (length > MAX_LINE) fail(`a line of ${length} octets (limit ${MAX_LINE})`);
      if (!headDone && length === 0 && offset + i > 1) {
        // The empty line that ends the top-level header section (RFC 5322 §2.1).
        head.push(chunk.subarray(0, i + 1));
        headDone = true;
      }
      lineStart = i + 1;
    }
    lineLength = chunk.length - lineStart;
    if (lineLength > MAX_LINE) fail(`a line of over ${MAX_LINE} octets`);
    if (!headDone) {
      head.push(chunk);
      headLength += chunk.length;
      if (headLength > MAX_HEADER_SECTION) fail('the header section is over 1 MiB');
    }
    previous = chunk.length > 0 ? chunk[chunk.length - 1]! : previous;
    offset += chunk.length;
  }
  if (previous === CR) fail(`bare CR at byte ${offset - 1}`);
  const headerSection = Buffer.concat(head);
  checkTopLevel(headerSection, input);
  if (input.scheme === 'none' && input.sign !== 'none') {
    const adapter = schemeAdapter(input.sign);
    if (!adapter.verifyOwnSignatureParts) fail('our own signature cannot be checked here');
    const boundary = boundaryOf(headerSection);
    const problem = await adapter.verifyOwnSignatureParts(
      () => signedParts(path, headerSection.length, boundary),
      { ...input, raw: new Uint8Array(0) },
    );
    if (problem) fail(problem);
  }
  return { eightBit, utf8Header: !isAscii(headerSection), size: offset };
}

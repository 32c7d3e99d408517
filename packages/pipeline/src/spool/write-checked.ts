/**
 * Writes a built copy into its private spool file (mode 0600, never an existing file) and
 * self-checks the bytes on their way in (decision 0141, amending 0105's read-back): the line
 * format and the facts as each chunk passes, the header section at the end, and for a
 * signed-only copy our own signature over its first part (RFC 1847 §2.1): S/MIME hashes it
 * as it passes, OpenPGP reads it back from the file. A copy that
 * fails is removed before the error is thrown, so nothing unchecked is ever sent or kept.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getHeader, parseContentType, splitMessage } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import { type OwnSignatureCheck, schemeAdapter } from '../schemes/scheme.js';
import { fail, type SelfCheckInput } from '../self-check.js';
import { SignedPartSplitter, signedParts } from './signed-parts.js';
import { SPOOL_READ } from './spooled-copy.js';
import { CopyCheck, type StreamCheckFacts } from './stream-self-check.js';

/** What the first part of a signed-only copy goes to while it is written. */
interface SignedWatch {
  readonly check: OwnSignatureCheck;
  splitter?: SignedPartSplitter;
}

/**
 * Passes each chunk on after CopyCheck (and, for a signed-only copy, the own-signature check)
 * has seen it; `stopAtProblem` fails the write at the first problem.
 */
class CheckedChunks extends Transform {
  constructor(
    private readonly check: CopyCheck,
    private readonly stopAtProblem: boolean,
    private readonly signed?: SignedWatch,
  ) {
    super();
  }

  override _transform(chunk: Uint8Array, _encoding: BufferEncoding, callback: TransformCallback) {
    // A Buffer view: Buffer's indexOf is native, a plain Uint8Array's is not.
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const offset = this.check.size;
    this.check.update(bytes);
    if (this.stopAtProblem && this.check.problem !== undefined) {
      callback(
        new SealpostError(
          'ESELFCHECK',
          `Self-check failed before sending: ${this.check.problem}. Nothing was sent.`,
        ),
      );
      return;
    }
    try {
      if (this.signed) this.watch(this.signed, bytes, offset);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, chunk);
  }

  /** Hands the body of a signed-only copy to its splitter, from the end of the header section. */
  private watch(signed: SignedWatch, bytes: Buffer, offset: number): void {
    if (signed.splitter) {
      signed.splitter.push(bytes);
      return;
    }
    const headerSection = this.check.headerSection;
    if (!headerSection) return;
    const check = signed.check;
    signed.splitter = new SignedPartSplitter(boundaryOf(headerSection), (b) => check.content(b));
    signed.splitter.push(bytes.subarray(headerSection.length - offset));
  }
}

/**
 * Writes `bytes` to `path`, a new private file, with `check` fed every chunk on the way.
 * `stopAtProblem`: the first problem fails the write (a copy); without it the problems are
 * only recorded in `check` (the canonical message, which the builders may still rewrite).
 */
export async function spoolTo(
  path: string,
  bytes: AsyncIterable<Uint8Array>,
  check: CopyCheck = new CopyCheck(),
  stopAtProblem = false,
  signed?: SignedWatch,
): Promise<void> {
  await pipeline(
    bytes instanceof Readable ? bytes : Readable.from(bytes),
    new CheckedChunks(check, stopAtProblem, signed),
    // A 256 KiB buffer lets the builder run on while the previous chunk is being written (the
    // default 16 KiB stops it after every chunk until the write is done).
    createWriteStream(path, { mode: 0o600, flags: 'wx', highWaterMark: SPOOL_READ }),
  );
}

/** The multipart boundary of a header section checkTopLevel accepted as multipart/signed. */
function boundaryOf(headerSection: Uint8Array): string {
  const contentType = getHeader(splitMessage(headerSection).entity, 'content-type');
  const boundary = contentType ? parseContentType(contentType).params.boundary : undefined;
  if (!boundary) fail('multipart/signed without a boundary');
  return boundary;
}

/**
 * The checks that need the whole copy, once `check` has seen all of it: the header section,
 * and for a signed-only copy our own signature, from what `signed` saw as it was written, or
 * else from the file: the OpenPGP check needs the signature part (the last part) before the
 * content, so its content is read again.
 */
export async function finishCheck(
  path: string,
  check: CopyCheck,
  input: Omit<SelfCheckInput, 'raw'>,
  signed?: SignedWatch,
): Promise<StreamCheckFacts> {
  const { headerSection, ...facts } = check.end(input);
  if (signed) {
    if (!signed.splitter) fail('multipart/signed without a body');
    const problem = await signed.check.end(signed.splitter.end());
    if (problem) fail(problem);
  } else if (input.scheme === 'none' && input.sign !== 'none') {
    const adapter = schemeAdapter(input.sign);
    if (!adapter.verifyOwnSignatureParts) fail('our own signature cannot be checked here');
    const boundary = boundaryOf(headerSection);
    const problem = await adapter.verifyOwnSignatureParts(
      () => signedParts(path, headerSection.length, boundary),
      { ...input, raw: new Uint8Array(0) },
    );
    if (problem) fail(problem);
  }
  return facts;
}

/** Writes a built copy to `path` and self-checks it on the way; see the file comment. */
export async function writeCheckedCopy(
  path: string,
  bytes: AsyncIterable<Uint8Array>,
  input: Omit<SelfCheckInput, 'raw'>,
): Promise<StreamCheckFacts> {
  const check = new CopyCheck();
  const own =
    input.scheme === 'none' && input.sign !== 'none'
      ? schemeAdapter(input.sign).ownSignatureCheck?.({ ...input, raw: new Uint8Array(0) })
      : undefined;
  const signed = own ? { check: own } : undefined;
  try {
    await spoolTo(path, bytes, check, true, signed);
    return await finishCheck(path, check, input, signed);
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

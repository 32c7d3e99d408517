/**
 * The self-check of a spooled copy on its bytes as they are written (constant memory): the
 * line format of RFC 5322 §2.1.1 (CRLF only, no NUL, no line over 998 octets) across chunk
 * borders, then the same top-level checks as selfCheck on the header section. Also reports
 * what the envelope needs (8-bit octets, UTF-8 in the header section) from the same pass.
 */
import { isAscii } from 'node:buffer';
import { checkTopLevel, fail, type SelfCheckInput } from '../self-check.js';

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

/**
 * The checks of one copy, fed its bytes chunk by chunk in order. The first problem is kept
 * (`problem`) and reported by `end()`; the chunks after it are not looked at.
 */
export class CopyCheck {
  /** What is wrong with the bytes so far, in words; undefined while they pass. */
  problem: string | undefined;
  private offset = 0;
  private lineLength = 0;
  private previous = -1;
  private eightBit = false;
  private readonly head: Buffer[] = [];
  private headLength = 0;
  private headDone = false;

  /** The octets seen so far. */
  get size(): number {
    return this.offset;
  }

  /** The top-level header section with its empty line, once it has been seen whole. */
  get headerSection(): Buffer | undefined {
    return this.headDone ? Buffer.concat(this.head) : undefined;
  }

  update(chunk: Buffer): void {
    if (this.problem === undefined) this.problem = this.scan(chunk);
  }

  /** The line format of one chunk, the header section collected on the way. */
  private scan(chunk: Buffer): string | undefined {
    const offset = this.offset;
    if (chunk.includes(0)) return `NUL byte at ${offset + chunk.indexOf(0)}`;
    if (!this.eightBit && !isAscii(chunk)) this.eightBit = true;
    if (this.previous === CR && chunk[0] !== LF) return `bare CR at byte ${offset - 1}`;
    for (let i = chunk.indexOf(CR); i !== -1; i = chunk.indexOf(CR, i + 1)) {
      if (i + 1 < chunk.length && chunk[i + 1] !== LF) return `bare CR at byte ${offset + i}`;
    }
    let lineStart = -this.lineLength;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
      const before = i === 0 ? this.previous : chunk[i - 1];
      if (before !== CR) return `bare LF at byte ${offset + i}`;
      const length = i - 1 - lineStart;
      if (length > MAX_LINE) return `a line of ${length} octets (limit ${MAX_LINE})`;
      if (!this.headDone && length === 0 && offset + i > 1) {
        // The empty line that ends the top-level header section (RFC 5322 §2.1).
        this.head.push(Buffer.from(chunk.subarray(0, i + 1)));
        this.headDone = true;
      }
      lineStart = i + 1;
    }
    this.lineLength = chunk.length - lineStart;
    if (this.lineLength > MAX_LINE) return `a line of over ${MAX_LINE} octets`;
    if (!this.headDone) {
      this.head.push(Buffer.from(chunk));
      this.headLength += chunk.length;
      if (this.headLength > MAX_HEADER_SECTION) return 'the header section is over 1 MiB';
    }
    if (chunk.length > 0) this.previous = chunk[chunk.length - 1]!;
    this.offset += chunk.length;
    return undefined;
  }

  /**
   * After the last chunk: throws ESELFCHECK (nothing sent) on the first problem, else checks
   * the header section as selfCheck does and returns the facts and the header section.
   */
  end(
    input: Pick<SelfCheckInput, 'scheme' | 'sign'>,
  ): StreamCheckFacts & { readonly headerSection: Buffer } {
    if (this.problem === undefined && this.previous === CR)
      this.problem = `bare CR at byte ${this.offset - 1}`;
    if (this.problem !== undefined) fail(this.problem);
    const headerSection = Buffer.concat(this.head);
    checkTopLevel(headerSection, input);
    return {
      eightBit: this.eightBit,
      utf8Header: !isAscii(headerSection),
      size: this.offset,
      headerSection,
    };
  }
}

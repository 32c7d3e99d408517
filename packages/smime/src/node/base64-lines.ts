/// <reference types="node" />
/**
 * Base64 in 76-character lines ending in CRLF (RFC 2045 §6.8), across chunk borders, at native
 * speed: each chunk is encoded in one call on a multiple of 57 octets, written straight into
 * the output buffer and spread into lines in place (no copy of the chunk, no per-line buffers).
 */

/** 57 input octets make one 76-character line. */
const LINE_OCTETS = 57;
const LINE_CHARS = 76;
const LINE = LINE_CHARS + 2;

/** The encoded size of `octets` octets, the short last line included. */
function encodedLength(octets: number): number {
  const last = octets % LINE_OCTETS;
  return Math.floor(octets / LINE_OCTETS) * LINE + (last > 0 ? Math.ceil(last / 3) * 4 + 2 : 0);
}

/** Writes `bytes` as lines into `out` at `at`; returns the index after the last CRLF. */
function writeLines(bytes: Buffer, out: Buffer, at: number): number {
  if (bytes.length === 0) return at;
  const written = out.write(bytes.toString('base64'), at, 'latin1');
  const lines = Math.ceil(written / LINE_CHARS);
  // From the back, so no line is overwritten before it has moved.
  for (let i = lines - 1; i >= 0; i--) {
    const from = at + i * LINE_CHARS;
    const to = at + i * LINE;
    const length = Math.min(LINE_CHARS, written - i * LINE_CHARS);
    if (i > 0) out.copyWithin(to, from, from + length);
    out[to + length] = 0x0d;
    out[to + length + 1] = 0x0a;
  }
  return at + written + lines * 2;
}

export interface Base64Lines {
  /** The complete lines `pieces` finish (up to 56 octets are carried to the next call). */
  push(...pieces: Uint8Array[]): Buffer;
  /** The last, short line. */
  end(): Buffer;
}

export function base64Lines(): Base64Lines {
  let carry = Buffer.alloc(0);
  const one = (input: Uint8Array): Buffer => {
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const total = carry.length + bytes.length;
    const whole = total - (total % LINE_OCTETS);
    if (whole === 0) {
      carry = Buffer.concat([carry, bytes]);
      return Buffer.alloc(0);
    }
    const out = Buffer.allocUnsafe(encodedLength(whole));
    let at = 0;
    let used = 0;
    if (carry.length > 0) {
      // The carried octets and the start of this chunk make one line.
      used = LINE_OCTETS - carry.length;
      at = writeLines(Buffer.concat([carry, bytes.subarray(0, used)]), out, 0);
    }
    const end = whole - carry.length;
    writeLines(bytes.subarray(used, end), out, at);
    carry = Buffer.from(bytes.subarray(end));
    return out;
  };
  return {
    push(...pieces) {
      const outs = pieces.map(one).filter((b) => b.length > 0);
      return outs.length === 1 ? outs[0]! : Buffer.concat(outs);
    },
    end() {
      const out = Buffer.allocUnsafe(encodedLength(carry.length));
      writeLines(carry, out, 0);
      carry = Buffer.alloc(0);
      return out;
    },
  };
}

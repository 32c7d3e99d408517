/**
 * ASCII Armor (RFC 9580 §6.2) of a binary OpenPGP stream, written here instead of by
 * openpgp.js: its streaming armor computes the CRC24 and the base64 in JavaScript and yields
 * LF-terminated strings, which then had to be rewritten to CRLF and encoded again. Here each
 * chunk is encoded in one native base64 call on a multiple of 48 octets and spread into
 * 64-character lines ending in CRLF, the form MIME carries (RFC 3156 §4). No armor headers.
 * The CRC24 checksum line is written although RFC 9580 §6.1 says it SHOULD NOT be "unless
 * interoperability with implementations that require the CRC24 footer" is a concern: GnuPG 2.2
 * is one. Without it, when the data ends without "=" padding (a length divisible by 3), it
 * reads the letters of the tail line as more base64 and reports the message as manipulated.
 */
import { Crc24 } from './crc24.js';

/** Octets per armored line: 48 octets are exactly 64 base64 characters (RFC 9580 §6.3). */
const LINE_OCTETS = 48;
const LINE_CHARS = 64;
/** A line with its CRLF. */
const LINE = LINE_CHARS + 2;
const CR = 0x0d;
const LF = 0x0a;

const ascii = new TextEncoder();

/** The runtime's native base64 encoder when it has one (Node's Buffer), else btoa. */
const nativeBuffer = (
  globalThis as {
    Buffer?: {
      from(b: ArrayBufferLike, offset: number, length: number): { toString(e: string): string };
    };
  }
).Buffer;

function base64(bytes: Uint8Array): string {
  if (nativeBuffer)
    return nativeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The octets base64-encoded in one call: a multiple of 48 whose 87,360 characters stay below
 * V8's regular heap object size (128 KiB). A longer string goes to the large-object space and
 * costs about seven times as much per octet (measured: 17 vs 130 ms per 100 MiB).
 */
const PIECE_OCTETS = LINE_OCTETS * 1365;

/**
 * Writes `bytes` (a multiple of 48 octets, or the short last line) as armored lines into
 * `out` at `at`; returns the index after the last CRLF.
 */
function writeLines(bytes: Uint8Array, out: Uint8Array, at: number): number {
  let end = at;
  for (let from = 0; from < bytes.length; from += PIECE_OCTETS)
    end = writePiece(bytes.subarray(from, from + PIECE_OCTETS), out, end);
  return end;
}

/** writeLines for at most PIECE_OCTETS octets. */
function writePiece(bytes: Uint8Array, out: Uint8Array, at: number): number {
  const written = ascii.encodeInto(base64(bytes), out.subarray(at)).written;
  const lines = Math.ceil(written / LINE_CHARS);
  // Spread the contiguous base64 into lines from the back, so no line is overwritten before
  // it has moved.
  for (let i = lines - 1; i >= 0; i--) {
    const from = at + i * LINE_CHARS;
    const to = at + i * LINE;
    const length = Math.min(LINE_CHARS, written - i * LINE_CHARS);
    if (i > 0) out.copyWithin(to, from, from + length);
    out[to + length] = CR;
    out[to + length + 1] = LF;
  }
  return at + written + lines * 2;
}

/** The armored size of `octets` octets of data lines, the short last line included. */
function armoredLength(octets: number): number {
  const last = octets % LINE_OCTETS;
  return Math.floor(octets / LINE_OCTETS) * LINE + (last > 0 ? Math.ceil(last / 3) * 4 + 2 : 0);
}

/**
 * Armors `binary` as `-----BEGIN PGP <blockType>-----` … `=<CRC24>`, `-----END PGP
 * <blockType>-----`, each line ending in CRLF. Output chunks follow the input chunks (each up to 47 octets carried to
 * the next), so memory stays constant.
 */
export function armorStream(
  binary: ReadableStream<Uint8Array>,
  blockType = 'MESSAGE',
): ReadableStream<Uint8Array> {
  const reader = binary.getReader();
  const crc = new Crc24();
  let carry = new Uint8Array(0);
  let state: 'head' | 'body' | 'done' = 'head';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (state === 'head') {
        state = 'body';
        // The armor header line, no armor headers, the blank line (RFC 9580 §6.2).
        controller.enqueue(ascii.encode(`-----BEGIN PGP ${blockType}-----\r\n\r\n`));
        return;
      }
      if (state === 'done') return;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          state = 'done';
          const sum = crc.digest();
          const checksum = base64(new Uint8Array([sum >>> 16, (sum >>> 8) & 0xff, sum & 0xff]));
          const tail = ascii.encode(`=${checksum}\r\n-----END PGP ${blockType}-----\r\n`);
          const out = new Uint8Array(armoredLength(carry.length) + tail.length);
          out.set(tail, writeLines(carry, out, 0));
          controller.enqueue(out);
          controller.close();
          return;
        }
        crc.update(value);
        const total = carry.length + value.length;
        const whole = total - (total % LINE_OCTETS);
        if (whole === 0) {
          const next = new Uint8Array(total);
          next.set(carry);
          next.set(value, carry.length);
          carry = next;
          continue;
        }
        const out = new Uint8Array(armoredLength(whole));
        let at = 0;
        let used = 0;
        if (carry.length > 0) {
          // The carried octets complete one line with the start of this chunk.
          used = LINE_OCTETS - carry.length;
          const first = new Uint8Array(LINE_OCTETS);
          first.set(carry);
          first.set(value.subarray(0, used), carry.length);
          at = writeLines(first, out, 0);
        }
        const end = whole - carry.length;
        writeLines(value.subarray(used, end), out, at);
        carry = value.slice(end);
        controller.enqueue(out);
        return;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

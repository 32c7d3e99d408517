/**
 * Undoing base64 (RFC 2045 §6.8) on a stream, as compose's decodeBase64 does in memory:
 * characters outside the alphabet are skipped, and the data ends at the first "=".
 */
const NOT_ALPHABET = /[^A-Za-z0-9+/]/g;

export async function* base64Chunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let carry = '';
  for await (const chunk of chunks) {
    let text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
    const pad = text.indexOf('=');
    if (pad !== -1) text = text.slice(0, pad);
    text = carry + text.replace(NOT_ALPHABET, '');
    const whole = text.length - (text.length % 4);
    carry = text.slice(whole);
    if (whole > 0) yield Buffer.from(text.slice(0, whole), 'base64');
    if (pad !== -1) break;
  }
  // A last quantum of 2 or 3 characters holds 1 or 2 octets; a single one holds none.
  if (carry.length > 1) yield Buffer.from(carry, 'base64');
}

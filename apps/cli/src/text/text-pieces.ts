/**
 * A long inner message printed in pieces as it is read back (decision 0142): the pieces join
 * to exactly what `terminalText` (layout.ts) or JSON.stringify gives for the whole, without
 * holding the whole as bytes, a string and its cleaned copy at once.
 */
import { clean } from './layout.js';

/** UTF-8 text of the chunks, a code point never split (TextDecoder's stream mode). */
async function* decoded(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
  yield decoder.decode();
}

/**
 * `terminalText` of the concatenated chunks, in pieces: CRLF and lone CR as LF (a CR at a
 * piece's end waits for the next piece), the one final LF dropped, control characters cleaned.
 */
export async function* terminalTextPieces(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<string> {
  let cr = false; // the last piece ended with CR: an LF may start the next one
  let lf = false; // the text so far ends with LF, held back: dropped if nothing follows
  for await (const piece of decoded(chunks)) {
    let text: string = `${cr ? '\r' : ''}${piece}`;
    cr = text.endsWith('\r');
    if (cr) text = text.slice(0, -1);
    text = text.replace(/\r\n?/g, '\n');
    if (text === '') continue;
    const shown: string = `${lf ? '\n' : ''}${text}`;
    lf = shown.endsWith('\n');
    const cleaned = clean(lf ? shown.slice(0, -1) : shown);
    if (cleaned !== '') yield cleaned;
  }
  // A held CR is the final line end (dropped); an LF held before it is then not the last.
  if (cr && lf) yield '\n';
}

/** The chunks as the inside of a JSON string (without its quotes), in pieces. */
export async function* jsonStringPieces(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  for await (const piece of decoded(chunks)) {
    if (piece !== '') yield JSON.stringify(piece).slice(1, -1);
  }
}

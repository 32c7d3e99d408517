/** Small text-layout pieces shared by the human output of several commands. */

/**
 * Wraps `text` at `width` columns, every line after the first indented by `indent`. A word
 * longer than a line (a path, a URL) is broken after a `/` where it can be, else hard; its
 * pieces continue on the next lines, never after a space.
 */
export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length <= width) {
      line = `${line} ${word}`;
      continue;
    }
    if (word.length > width) {
      // Fill the current line first when a useful part of the word still fits on it.
      const room = line.length > 0 ? width - line.length - 1 : width;
      const cut = room >= 8 ? cutPoint(word, room) : 0;
      if (cut > 0) {
        line = line.length > 0 ? `${line} ${word.slice(0, cut)}` : word.slice(0, cut);
        word = word.slice(cut);
      }
      while (word.length > width) {
        if (line.length > 0) lines.push(line);
        const at = cutPoint(word, width);
        line = word.slice(0, at);
        word = word.slice(at);
      }
    }
    if (line.length > 0) lines.push(line);
    line = word;
  }
  if (line.length > 0) lines.push(line);
  return lines.join(`\n${indent}`);
}

/** Where to break a long word to fit `room` columns: after its last `/` there, else at `room`. */
function cutPoint(word: string, room: number): number {
  const slash = word.lastIndexOf('/', room - 1);
  return slash > 0 ? slash + 1 : room;
}

/** Label/value rows with the labels padded to one column; values may span several lines. */
export function keyValueRows(
  rows: readonly (readonly [string, string])[],
  indent = '  ',
  width = 100,
): string {
  const labelWidth = Math.max(0, ...rows.map(([label]) => label.length));
  const pad = `${indent}${' '.repeat(labelWidth)}  `;
  return rows
    .map(
      ([label, value]) =>
        `${indent}${label.padEnd(labelWidth)}  ${wrap(value, Math.max(30, width - pad.length), pad)}`,
    )
    .join('\n');
}

/** "ab:cd:…" from lower-case hex, the way certificate fingerprints are usually shown. */
export function colonHex(hex: string): string {
  return (hex.match(/../g) ?? []).join(':').toUpperCase();
}

/**
 * Text from a message or a server, made safe for a terminal: C0/C1 control characters (ESC
 * sequences could recolour, retitle or rewrite the screen) become U+FFFD. JSON output needs no
 * such step: JSON.stringify escapes them.
 */
export function clean(text: string): string {
  // Bidi overrides and isolates (U+202A–202E, U+2066–2069) reorder what follows them on the
  // line, so "valid" could be made to read as something else ("Trojan Source", CVE-2021-42574).
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    '\uFFFD',
  );
}

/**
 * A whole message (bytes from the sender) made safe for a terminal: decoded as UTF-8, CRLF
 * and lone CR line ends shown as line breaks, then `clean`ed, so nothing in it can move the
 * cursor, clear the screen or rewrite a line printed before or after it.
 */
export function terminalText(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes).replace(/\r\n?/g, '\n');
  return clean(text.endsWith('\n') ? text.slice(0, -1) : text);
}

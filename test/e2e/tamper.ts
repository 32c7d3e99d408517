// Tampered copies of a message file for the recipient tests: one base64 character changed, so
// the MDC, the AEAD tag or a signature must catch it.
import { readFileSync, writeFileSync } from 'node:fs';

function changedAt(text: string, at: number, out: string): string {
  const flip = text[at] === 'A' ? 'B' : 'A';
  writeFileSync(out, `${text.slice(0, at)}${flip}${text.slice(at + 1)}`, 'latin1');
  return out;
}

/** Writes to `out` a copy of `path` with the character `back` characters before `marker` changed. */
export function writeTampered(path: string, marker: string, back: number, out: string): string {
  const text = readFileSync(path, 'latin1');
  return changedAt(text, text.lastIndexOf(marker) - back, out);
}

/** Writes to `out` a copy of `path` with the base64 character `back` from its end changed. */
export function writeTamperedTail(path: string, back: number, out: string): string {
  const text = readFileSync(path, 'latin1');
  let at = text.length;
  for (let seen = 0; seen < back; ) if (/[A-Za-z0-9+/]/.test(text[--at]!)) seen++;
  return changedAt(text, at, out);
}

/**
 * Reading EHLO keyword lines ("SIZE 52428800", "AUTH PLAIN LOGIN"; RFC 5321 §4.1.1.1): one
 * reading for `probe`'s report and for the checks `send` makes before MAIL FROM.
 */

/** The line that announces `keyword` (upper case), or undefined when the server does not. */
export function ehloKeyword(lines: readonly string[], keyword: string): string | undefined {
  return lines.find((line) => line.trim().split(/\s+/, 1)[0]?.toUpperCase() === keyword);
}

/** The number after SIZE (RFC 1870 §4), or null without one; 0 means no fixed limit. */
export function ehloSize(lines: readonly string[]): number | null {
  const value = ehloKeyword(lines, 'SIZE')?.trim().split(/\s+/)[1];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * Quotes untrusted input for an error message: control characters become visible escapes
 * (so a CR/LF in an address cannot forge log lines) and long input is cut.
 */
export function quoteUntrusted(value: string, maxLength = 80): string {
  let shown = '';
  for (const ch of value) {
    if (shown.length >= maxLength) {
      shown += '…';
      break;
    }
    const cp = ch.codePointAt(0)!;
    if (ch === '\r') shown += '\\r';
    else if (ch === '\n') shown += '\\n';
    else if (ch === '\t') shown += '\\t';
    else if (ch === '"' || ch === '\\') shown += `\\${ch}`;
    else if (
      cp < 0x20 ||
      cp === 0x7f ||
      (cp >= 0x80 && cp < 0xa0) ||
      cp === 0x2028 ||
      cp === 0x2029
    )
      shown += `\\u${cp.toString(16).padStart(4, '0')}`;
    else shown += ch;
  }
  return `"${shown}"`;
}

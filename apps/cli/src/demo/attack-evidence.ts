/**
 * What the attacker on the relay → mailbox link recorded: the same search for the secrets as
 * on any link, plus the cleartext SMTP dialogue (RFC 5321 §4.1) it saw, with the STARTTLS
 * offer it removed (RFC 3207 §5) marked, so the proof is the bytes and not the prediction.
 */
import { type DemoSecrets, inspectLink, type ObserverEvidence } from './evidence.js';
import type { RecordedChunk } from './link-recorder.js';

const MAX_LINE = 72;

function printable(line: string): string {
  const shown = line.replace(/[^\x20-\x7e]/g, '·');
  return shown.length > MAX_LINE ? `${shown.slice(0, MAX_LINE - 1)}…` : shown;
}

/** The dialogue line by line, "relay:" and "mailbox:" first; the message text is summed up. */
export function smtpTranscript(chunks: readonly RecordedChunk[]): string[] {
  const lines: string[] = [];
  let inData = false;
  let dataBytes = 0;
  for (const chunk of chunks) {
    const who = chunk.forged ? 'attacker' : chunk.direction === 'up' ? 'relay' : 'mailbox';
    if (chunk.direction === 'up' && chunk.passedOn?.length === 0) {
      lines.push(
        `relay:   ${printable(chunk.bytes.toString('latin1').trim())}   ← kept from the mailbox`,
      );
      continue;
    }
    const removed = chunk.passedOn
      ? new Set(
          chunk.bytes
            .toString('latin1')
            .split('\r\n')
            .filter((l) => !chunk.passedOn!.toString('latin1').split('\r\n').includes(l)),
        )
      : new Set<string>();
    for (const line of chunk.bytes.toString('latin1').split('\r\n')) {
      if (line === '' && !inData) continue;
      if (inData && chunk.direction === 'up') {
        if (line === '.') {
          lines.push(`relay:   [the message, ${dataBytes} bytes, in the clear]`, 'relay:   .');
          inData = false;
        } else dataBytes += line.length + 2;
        continue;
      }
      lines.push(
        `${`${who}:`.padEnd(8)} ${printable(line)}${removed.has(line) ? '   ← removed by the attacker' : ''}${chunk.forged ? '   ← its own answer' : ''}`,
      );
      if (chunk.direction === 'down' && /^354/.test(line)) {
        inData = true;
        dataBytes = 0;
      }
    }
  }
  return lines;
}

export function inspectAttack(
  observer: string,
  chunks: readonly RecordedChunk[],
  secrets: DemoSecrets,
): ObserverEvidence {
  const bytes = (direction: 'up' | 'down') =>
    Buffer.concat(chunks.filter((c) => c.direction === direction).map((c) => c.bytes));
  const up = bytes('up');
  const base = inspectLink(observer, up, bytes('down'), secrets);
  const stripped = chunks.some((c) => c.passedOn);
  const mailSent = /(?:^|\r\n)MAIL FROM:/i.test(up.toString('latin1'));
  const summary = !stripped
    ? base.summary
    : mailSent
      ? 'removed STARTTLS from the mailbox’s EHLO reply; the relay sent the whole message in cleartext'
      : 'removed STARTTLS from the mailbox’s EHLO reply; the relay would not go on without TLS and quit: no message crossed';
  return { ...base, kind: 'attacker-recording', summary, transcript: smtpTranscript(chunks) };
}

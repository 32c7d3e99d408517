/**
 * What each observer of the demo really saw: the demo knows the secrets it sent (subject,
 * a phrase of the body, the attachment's name, the addresses), searches every hop's stored copy
 * and every link recording for them, and keeps a short excerpt as proof either way.
 */
import type { MessagePart } from '@sealpost/pipeline';

export interface DemoSecrets {
  readonly subject: string;
  readonly bodyPhrase: string;
  readonly attachmentName: string;
  readonly sender: string;
  readonly recipient: string;
}

/** The parts sealpost's report predicts, plus the Date, which every copy keeps outside. */
export type EvidencePart = MessagePart | 'date';

export interface Finding {
  readonly part: EvidencePart;
  readonly seen: boolean;
  /** A short, printable excerpt around where it was seen (or of what was there instead). */
  readonly excerpt?: string;
}

export interface ObserverEvidence {
  readonly observer: string;
  readonly kind: 'server-copy' | 'link-recording' | 'attacker-recording';
  readonly bytes: number;
  readonly findings: readonly Finding[];
  /** For links: what the bytes are (e.g. "TLS records only" or "cleartext EHLO, then TLS"). */
  readonly summary: string;
  /** For server copies: the Subject and top Content-Type lines, as stored. */
  readonly glimpse?: readonly string[];
  /** For cleartext links: the SMTP commands and replies as they crossed (message text left out). */
  readonly transcript?: readonly string[];
  /** For the mailbox and the recipient when nothing arrived. */
  readonly received?: boolean;
}

const PARTS: readonly [MessagePart, keyof DemoSecrets][] = [
  ['body', 'bodyPhrase'],
  ['subject', 'subject'],
  ['attachment-names', 'attachmentName'],
  ['sender', 'sender'],
  ['recipients', 'recipient'],
];

/** Printable ASCII of the bytes around an index; everything else shown as "·". */
export function excerpt(bytes: Buffer, index: number, length: number): string {
  const start = Math.max(0, index - 12);
  const slice = bytes.subarray(start, Math.min(bytes.length, index + length + 12));
  return Array.from(slice, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·')).join('');
}

/** A hex view of the first bytes: what a wiretap shows when it cannot read the content. */
export function hexStart(bytes: Buffer, count = 16): string {
  return Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function find(bytes: Buffer, needle: string): number {
  return bytes.indexOf(Buffer.from(needle, 'utf8'));
}

/** The Date header line (RFC 5322 §3.6.1) when it crossed in the clear. */
function dateFinding(bytes: Buffer): Finding {
  const match = /(?:^|\r\n)(Date: [^\r\n]{1,60})/.exec(bytes.toString('latin1'));
  return match ? { part: 'date', seen: true, excerpt: match[1]! } : { part: 'date', seen: false };
}

export function inspectServerCopy(
  observer: string,
  bytes: Buffer,
  secrets: DemoSecrets,
  /** How it arrived, when known: over TLS or in cleartext. */
  arrived?: 'tls' | 'cleartext',
): ObserverEvidence {
  const findings: Finding[] = PARTS.map(([part, key]) => {
    const at = find(bytes, secrets[key]);
    return at >= 0
      ? { part, seen: true, excerpt: excerpt(bytes, at, secrets[key].length) }
      : { part, seen: false };
  });
  findings.push(dateFinding(bytes));
  findings.push({ part: 'size', seen: true, excerpt: `${bytes.length} bytes` });
  const text = bytes.toString('latin1');
  const headerBlock = text.slice(0, Math.max(0, text.indexOf('\r\n\r\n')));
  const glimpse = [/^Subject:[^\r\n]*/im, /^Content-Type:[^\r\n]*/im]
    .map((pattern) => pattern.exec(headerBlock)?.[0])
    .filter((line): line is string => line !== undefined)
    .map((line) => (line.length > 90 ? `${line.slice(0, 89)}…` : line));
  return {
    observer,
    kind: 'server-copy',
    bytes: bytes.length,
    findings,
    summary:
      arrived === undefined
        ? 'the copy this server stored'
        : `the copy this server stored (it arrived ${arrived === 'tls' ? 'over TLS' : 'in CLEARTEXT'})`,
    glimpse,
  };
}

/** TLS record content types (RFC 8446 §5.1). */
const TLS_RECORD_TYPES: Record<number, string> = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application data',
};

function tlsRecordType(bytes: Buffer): string | undefined {
  const first = bytes[0];
  return bytes.length >= 5 && first !== undefined && bytes[1] === 3
    ? TLS_RECORD_TYPES[first]
    : undefined;
}

export function inspectLink(
  observer: string,
  up: Buffer,
  down: Buffer,
  secrets: DemoSecrets,
): ObserverEvidence {
  const both = Buffer.concat([up, down]);
  const findings: Finding[] = PARTS.map(([part, key]) => {
    const at = find(both, secrets[key]);
    return at >= 0
      ? { part, seen: true, excerpt: excerpt(both, at, secrets[key].length) }
      : { part, seen: false };
  });
  findings.push(dateFinding(both));
  findings.push({ part: 'size', seen: true, excerpt: `${both.length} bytes crossed the link` });
  // STARTTLS links begin in cleartext: show where TLS starts.
  const starttls = up.indexOf(Buffer.from('STARTTLS\r\n'));
  let summary: string;
  const recordType = tlsRecordType(up);
  if (recordType) {
    summary = `TLS from the first byte (${hexStart(up, 6)} …: a TLS ${recordType} record)`;
  } else if (starttls >= 0) {
    const before = up
      .subarray(0, starttls + 10)
      .toString('latin1')
      .replace(/\r\n/g, ' ⏎ ')
      .trim();
    summary = `cleartext "${before}", then TLS records only`;
  } else {
    summary = `cleartext SMTP: ${excerpt(up, 0, 40)}`;
  }
  return { observer, kind: 'link-recording', bytes: both.length, findings, summary };
}

/** The mailbox or the recipient when the relay kept the message: nothing to search. */
export function nothingReceived(observer: string, why: string): ObserverEvidence {
  const parts: EvidencePart[] = [...PARTS.map(([part]) => part), 'date', 'size'];
  return {
    observer,
    kind: 'server-copy',
    bytes: 0,
    findings: parts.map((part) => ({ part, seen: false })),
    summary: why,
    received: false,
  };
}

/**
 * The words of the demo's matrix, shared by the terminal and the HTML page: one cell per
 * observer and case, naming what that observer really got (from the evidence, never from the
 * prediction).
 */
import { PATHS } from './demo-paths.js';
import type { ObserverEvidence } from './evidence.js';
import type { DemoCase, DemoResult } from './run-demo.js';

export const PART_WORDS: Record<string, string> = {
  body: 'body',
  subject: 'subject',
  'attachment-names': 'attachment name',
  sender: 'sender',
  recipients: 'recipients',
  date: 'date',
  size: 'size',
};

const CONTENT = ['body', 'subject', 'attachment-names', 'sender', 'recipients'];

/** reads: someone who should not; intended: the recipient, who should; safe: nothing to read. */
export type CellTone = 'reads' | 'intended' | 'envelope' | 'safe';

/** One cell: what this observer could read in this case, and how alarming that is. */
export function cell(evidence: ObserverEvidence & { readonly predictedAs?: string }): {
  text: string;
  tone: CellTone;
} {
  const seen = evidence.findings.filter((f) => f.seen).map((f) => f.part as string);
  const words = seen.map((p) => PART_WORDS[p]!);
  if (evidence.received === false) return { text: 'nothing arrived', tone: 'safe' };
  if (CONTENT.every((p) => seen.includes(p)))
    return {
      text: 'READS EVERYTHING',
      tone: evidence.predictedAs === 'recipient' ? 'intended' : 'reads',
    };
  if (evidence.kind === 'attacker-recording' && !seen.some((p) => CONTENT.includes(p)))
    return { text: 'EHLO only, no message', tone: 'safe' };
  if (evidence.kind === 'link-recording' && !seen.some((p) => CONTENT.includes(p)))
    return { text: 'TLS records only', tone: 'safe' };
  if (seen.some((p) => ['body', 'subject', 'attachment-names'].includes(p)))
    return { text: `READS ${words.join(', ')}`, tone: 'reads' };
  return { text: `sees only ${words.join(', ')}`, tone: 'envelope' };
}

export interface PathView {
  readonly name: string;
  readonly title: string;
  readonly drawing: string;
  readonly relayDelivery: string;
  readonly cases: readonly DemoCase[];
}

/** The three paths in order, each with its cases. */
export function pathViews(result: DemoResult): PathView[] {
  return PATHS.map((p) => ({
    ...p,
    cases:
      p.name === 'tls-everywhere'
        ? result.cases
        : (result.attacks.find((a) => a.name === p.name)?.cases ?? []),
  }));
}

/** The transcript lines worth reading: the relay's commands and the attacker's change. */
export function keyTranscript(evidence: ObserverEvidence): string[] {
  return (evidence.transcript ?? []).filter(
    (line) => line.startsWith('relay:') || line.includes('←'),
  );
}

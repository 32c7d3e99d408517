/** The demo's human output: who could read what, side by side, with evidence. */
import type { Output } from '../output.js';
import type { ObserverEvidence } from './evidence.js';
import type { DemoResult } from './run-demo.js';

const PART_WORDS: Record<string, string> = {
  body: 'body',
  subject: 'subject',
  'attachment-names': 'attachment name',
  sender: 'sender',
  recipients: 'recipient',
};

/** One cell: what this observer could read in this case. */
export function cellText(evidence: ObserverEvidence): string {
  const seen = evidence.findings
    .filter((f) => f.seen && f.part !== 'size')
    .map((f) => PART_WORDS[f.part]!);
  if (evidence.kind === 'link-recording')
    return seen.length ? `READS ${seen.join(', ')}` : 'TLS records only';
  if (seen.length === Object.keys(PART_WORDS).length) return 'READS EVERYTHING';
  return seen.length ? `only ${seen.join(', ')}` : 'nothing';
}

export function renderDemo(result: DemoResult, out: Output): string {
  const first = result.cases[0]!;
  const rows = first.evidence.map((e, i) => [
    e.observer,
    ...result.cases.map((c) => cellText(c.evidence[i]!)),
  ]);
  const header = ['who could read it', ...result.cases.map((c) => c.title)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('   ')
      .trimEnd();
  const paint = (cell: string) =>
    cell.startsWith('READS')
      ? out.red(cell)
      : cell === 'nothing' || cell === 'TLS records only'
        ? out.green(cell)
        : cell;
  const table = [
    out.bold(line(header)),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map((r) => {
      const padded = line(r);
      // Colour after padding so escape codes do not break the alignment.
      return r.slice(1).reduce((text, cell) => text.replace(cell, paint(cell)), padded);
    }),
  ];

  const lines = [
    out.bold(
      'The same message, with an attachment, sent three ways through a real mail path on 127.0.0.1:',
    ),
    `  you ─TLS→ submission server ─TLS→ relay ─TLS→ recipient's mailbox server → recipient`,
    `  Subject "${result.secrets.subject}", body "…${result.secrets.bodyPhrase}…", attachment ${result.secrets.attachmentName}`,
    '',
    ...table,
    '',
    out.bold('Evidence (from the copies the servers stored and the bytes recorded on each link):'),
  ];
  for (const c of result.cases) {
    const server = c.evidence[1]!;
    const link = c.evidence[0]!;
    const body = server.findings.find((f) => f.part === 'body')!;
    lines.push(`  ${c.title}:`);
    lines.push(`    submission server stored: ${server.glimpse?.join(' | ') ?? ''}`);
    lines.push(`      body phrase in its copy: ${body.seen ? `yes — "${body.excerpt}"` : 'no'}`);
    lines.push(`    network you → submission: ${link.summary}`);
    if (c.transport?.tls) {
      lines.push(
        `    link protection: ${c.transport.tls.version} ${c.transport.tls.cipher}, certificate ${c.transport.tls.validation}`,
      );
    }
    if (c.signature !== 'none') lines.push(`    recipient decrypted it; signature: ${c.signature}`);
    if (c.contradictions.length)
      lines.push(out.red(`    does not match the prediction: ${c.contradictions.join('; ')}`));
  }
  lines.push(
    '',
    'Even end-to-end encrypted, every server still sees who wrote to whom, when, and how much.',
  );
  lines.push('', out.bold(result.explanation));
  if (result.dir) lines.push('', `All stored copies and link recordings are in ${result.dir}`);
  lines.push(out.dim(`(${result.durationMs} ms)`));
  return lines.join('\n');
}

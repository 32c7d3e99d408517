/** The demo's human output: who could read what, side by side, with evidence, in `width` columns. */
import type { Output } from '../output.js';
import { clean, wrap } from '../text/layout.js';
import { type CellTone, cell, keyTranscript, pathViews } from './demo-cells.js';
import type { DemoCase, DemoResult } from './run-demo.js';

const GAP = '  ';

/** Wraps to `width`, cutting words that are longer than the column on their own. */
function wrapCell(text: string, width: number): string[] {
  return wrap(text, width, '')
    .split('\n')
    .flatMap((line) => line.match(new RegExp(`.{1,${width}}`, 'gu')) ?? ['']);
}

function table(
  header: readonly string[],
  rows: readonly { label: string; cells: readonly { text: string; tone: CellTone }[] }[],
  width: number,
  out: Output,
): string[] {
  const columns = header.length - 1;
  const longest = (i: number) =>
    Math.max(
      header[i]!.length,
      ...rows.map((r) => (i === 0 ? r.label : r.cells[i - 1]!.text).length),
    );
  const labelWidth = Math.min(longest(0), Math.max(12, Math.floor(width / 4)));
  const room = Math.floor((width - labelWidth - GAP.length * columns) / columns);
  const widths = [
    labelWidth,
    ...header.slice(1).map((_, i) => Math.max(8, Math.min(longest(i + 1), room))),
  ];
  const paint = (tone: CellTone | undefined, text: string) =>
    tone === 'reads' ? out.red(text) : tone === 'safe' ? out.green(text) : text;
  const render = (cells: readonly { text: string; tone?: CellTone }[], bold = false) => {
    const wrapped = cells.map((c, i) => wrapCell(c.text, widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, line) => {
      const text = wrapped
        .map((w, i) => {
          const piece = (w[line] ?? '').padEnd(widths[i]!);
          // Colour after padding so escape codes do not break the alignment.
          return i === 0 || !w[line] ? piece : paint(cells[i]!.tone, piece);
        })
        .join(GAP)
        .trimEnd();
      return bold ? out.bold(text) : text;
    });
  };
  return [
    ...render(
      header.map((text) => ({ text })),
      true,
    ),
    widths.map((w) => '─'.repeat(w)).join(GAP),
    ...rows.flatMap((r) => render([{ text: r.label }, ...r.cells])),
  ];
}

/** A line cut to the width, made safe for a terminal. */
function fitLine(text: string, width: number): string {
  const safe = clean(text);
  return safe.length > width ? `${safe.slice(0, width - 1)}…` : safe;
}

function caseEvidence(c: DemoCase, width: number, out: Output): string[] {
  const lines = [`  ${c.title}:`];
  const say = (text: string, indent = '    ') => lines.push(fitLine(`${indent}${text}`, width));
  for (const e of c.evidence) {
    if (e.kind === 'server-copy') {
      if (e.observer.startsWith('recipient (')) continue;
      if (e.received === false) {
        say(`${e.observer}: ${e.summary}`);
        continue;
      }
      say(`${e.observer} stored: ${e.glimpse?.join(' | ') ?? ''}`);
      if (e.summary.includes('CLEARTEXT'))
        say('it arrived in CLEARTEXT (no TLS on the hop before)', '      ');
      const body = e.findings.find((f) => f.part === 'body')!;
      say(`body phrase in its copy: ${body.seen ? `yes — "${body.excerpt}"` : 'no'}`, '      ');
    } else {
      say(`${e.observer}: ${e.summary}`);
      for (const line of keyTranscript(e)) say(line, '      ');
    }
  }
  if (c.relayDelivery) {
    const delivery = c.relayDelivery;
    const text = delivery.delivered
      ? `relay delivered it: ${delivery.note}`
      : `relay REFUSED to deliver (${delivery.code}): ${delivery.note}`;
    lines.push(`    ${wrap(clean(text), width - 6, '      ')}`);
  }
  if (c.transport?.tls) {
    say(
      `your link: ${c.transport.tls.version} ${c.transport.tls.cipher}, certificate ${c.transport.tls.validation}`,
    );
  }
  if (c.signature !== 'none') say(`recipient decrypted it; signature: ${c.signature}`);
  if (c.contradictions.length)
    lines.push(
      out.red(fitLine(`    does not match the prediction: ${c.contradictions.join('; ')}`, width)),
    );
  return lines;
}

export function renderDemo(result: DemoResult, out: Output, width = 80): string {
  const { secrets } = result;
  const lines = [
    out.bold(
      wrap(
        'The same message, with an attachment, sent three ways (transport TLS only, OpenPGP, S/MIME) along three mail paths on 127.0.0.1.',
        width,
        '',
      ),
    ),
    fitLine(`  Subject "${secrets.subject}"`, width),
    fitLine(`  body "…${secrets.bodyPhrase}…", attachment ${secrets.attachmentName}`, width),
  ];
  pathViews(result).forEach((path, index) => {
    const first = path.cases[0]!;
    lines.push(
      '',
      out.bold(wrap(`${index + 1}. ${path.title}`, width, '   ')),
      fitLine(`   ${path.drawing}`, width),
      `   ${wrap(`relay → mailbox: ${path.relayDelivery}`, width - 3, '   ')}`,
      '',
      ...table(
        ['who could read it', ...path.cases.map((c) => c.title)],
        first.evidence.map((e, i) => ({
          label: e.observer,
          cells: path.cases.map((c) => cell(c.evidence[i]!)),
        })),
        width,
        out,
      ),
      '',
      wrap('Evidence (the copies the servers stored, the bytes recorded on each link):', width, ''),
      ...path.cases.flatMap((c) => caseEvidence(c, width, out)),
    );
  });
  lines.push(
    '',
    wrap(
      'Even end-to-end encrypted, every server still sees who wrote to whom, when, and how much.',
      width,
      '',
    ),
    '',
    out.bold(wrap(result.explanation, width, '')),
    '',
    out.bold('What each protection does and does not stop:'),
  );
  for (const p of result.protections) {
    lines.push(
      `  ${p.name}`,
      `    stops: ${wrap(p.stops, width - 11, '           ')}`,
      `    not:   ${wrap(p.doesNotStop, width - 11, '           ')}`,
    );
  }
  if (result.dir)
    lines.push(
      '',
      wrap(`Stored copies, recordings, keys and README.md: ${clean(result.dir)}`, width, '  '),
    );
  lines.push(out.dim(`(${result.durationMs} ms)`));
  return lines.join('\n');
}

/**
 * `sealpost demo --html FILE`: the results as one self-contained HTML page (no script, no
 * external font, image or style: it opens offline and prints), drawing the mail path and, for
 * each path and case, what each observer saw, with the evidence. Every piece of text from the
 * run is escaped (HTML Living Standard §13.1.2.6): a Subject is data, never markup.
 */
import { type CellTone, cell, type PathView, pathViews } from './demo-cells.js';
import type { ObserverEvidence } from './evidence.js';
import type { DemoCase, DemoResult } from './run-demo.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const STYLE = `
:root { color-scheme: light; --reads: #b00020; --safe: #1b5e20; --envelope: #5d4037; --line: #444; }
* { box-sizing: border-box; }
body { font: 20px/1.45 system-ui, "DejaVu Sans", sans-serif; margin: 0 auto; max-width: 72rem;
  padding: 1.5rem; color: #111; background: #fff; }
h1 { font-size: 2rem; margin: 0 0 .5rem; } h2 { font-size: 1.5rem; margin: 2rem 0 .5rem; }
h3 { font-size: 1.15rem; margin: 1rem 0 .25rem; }
code, pre { font: .8rem/1.35 "DejaVu Sans Mono", monospace; }
pre { white-space: pre-wrap; word-break: break-all; background: #f4f4f4; padding: .5rem;
  margin: .25rem 0; border-left: 4px solid #999; }
.secret { background: #fff3c4; padding: 0 .2em; }
ol.mail-path { display: flex; flex-wrap: wrap; align-items: center; list-style: none; padding: 0;
  margin: .75rem 0; gap: .25rem; }
.node { border: 3px solid var(--line); border-radius: .5rem; padding: .3rem .5rem; font-weight: 600;
  font-size: .85rem; }
.node.attacker { border-color: var(--reads); color: var(--reads); }
.node.absent { opacity: .45; border-style: dashed; }
.hop { font-size: .7rem; padding: 0 .2rem; text-align: center; min-width: 3.5rem; }
.hop::after { content: ""; display: block; border-top: 3px solid var(--safe); margin-top: .1rem; }
.hop.cleartext { color: var(--reads); } .hop.cleartext::after { border-top: 3px dashed var(--reads); }
.hop.refused { color: var(--safe); font-weight: 700; } .hop.refused::after { border-top: 3px dotted #999; }
table.matrix { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
.matrix th, .matrix td { border: 2px solid #777; padding: .35rem .5rem; text-align: left; vertical-align: top; }
.matrix thead th { background: #e8e8e8; }
.tone-reads { color: #fff; background: var(--reads); font-weight: 700; }
.tone-intended { color: #0d47a1; background: #e3ecfa; font-weight: 700; }
.tone-safe { color: var(--safe); background: #e3f2e1; font-weight: 600; }
.tone-envelope { color: var(--envelope); background: #fbf3e6; }
dl { margin: 0; } dt { font-weight: 600; margin-top: .4rem; } dd { margin: 0 0 0 1rem; }
.refusal { border: 3px solid var(--safe); padding: .5rem; background: #e3f2e1; }
.leak { border: 3px solid var(--reads); padding: .5rem; background: #fde7ea; }
footer { margin-top: 2rem; font-size: .8rem; color: #555; }
@media print {
  body { font-size: 12pt; max-width: none; }
  section.path { break-before: page; }
  .tone-reads, .tone-intended, .tone-safe, .tone-envelope { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

const TONE_CLASS: Record<CellTone, string> = {
  reads: 'tone-reads',
  intended: 'tone-intended',
  safe: 'tone-safe',
  envelope: 'tone-envelope',
};

function drawPath(path: PathView): string {
  const node = (name: string, extra = '') => `<li class="node${extra}">${escapeHtml(name)}</li>`;
  const hop = (label: string, kind: 'tls' | 'cleartext' | 'refused') =>
    `<li class="hop ${kind}">${escapeHtml(label)}</li>`;
  const last =
    path.name === 'tls-everywhere'
      ? [hop('TLS', 'tls')]
      : path.name === 'starttls-stripped'
        ? [
            hop('cleartext', 'cleartext'),
            node('attacker', ' attacker'),
            hop('cleartext', 'cleartext'),
          ]
        : [
            hop('refused: no TLS', 'refused'),
            node('attacker', ' attacker'),
            hop('nothing', 'refused'),
          ];
  const delivered = path.name !== 'mta-sts-enforce';
  return `<ol class="mail-path" aria-label="the mail path">${[
    node('you'),
    hop('TLS', 'tls'),
    node('submission server'),
    hop('TLS', 'tls'),
    node('relay'),
    ...last,
    node("recipient's mailbox", delivered ? '' : ' absent'),
    hop(delivered ? 'reads' : '—', delivered ? 'tls' : 'refused'),
    node('recipient', delivered ? '' : ' absent'),
  ].join('')}</ol>`;
}

function matrix(path: PathView): string {
  const first = path.cases[0]!;
  const head = `<tr><th scope="col">who could read it</th>${path.cases
    .map((c) => `<th scope="col">${escapeHtml(c.title)}</th>`)
    .join('')}</tr>`;
  const rows = first.evidence.map((e, i) => {
    const cells = path.cases.map((c) => {
      const { text, tone } = cell(c.evidence[i]!);
      return `<td class="${TONE_CLASS[tone]}" data-case="${escapeHtml(c.name)}" data-observer="${escapeHtml(c.evidence[i]!.observer)}">${escapeHtml(text)}</td>`;
    });
    return `<tr><th scope="row">${escapeHtml(e.observer)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="matrix"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function evidenceItem(e: ObserverEvidence): string {
  const parts: string[] = [`<dt>${escapeHtml(e.observer)}</dt>`];
  const dd: string[] = [`<div>${escapeHtml(e.summary)} (${e.bytes} bytes)</div>`];
  if (e.glimpse?.length)
    dd.push(`<pre class="glimpse">${e.glimpse.map(escapeHtml).join('\n')}</pre>`);
  const seen = e.findings.filter((f) => f.seen && f.excerpt && f.part !== 'size');
  if (seen.length) {
    dd.push(
      `<pre class="excerpts">${seen.map((f) => `${escapeHtml(f.part)}: ${escapeHtml(f.excerpt!)}`).join('\n')}</pre>`,
    );
  }
  if (e.transcript?.length)
    dd.push(`<pre class="transcript">${e.transcript.map(escapeHtml).join('\n')}</pre>`);
  parts.push(`<dd>${dd.join('')}</dd>`);
  return parts.join('');
}

function caseEvidence(c: DemoCase): string {
  const delivery = c.relayDelivery;
  const note = delivery
    ? delivery.delivered
      ? `<p class="${delivery.tls ? '' : 'leak'}">Relay delivered it: ${escapeHtml(delivery.note)}</p>`
      : `<p class="refusal">Relay <strong>refused</strong> to deliver (${escapeHtml(delivery.code)}): ${escapeHtml(delivery.note)}</p>`
    : '';
  const signature =
    c.signature === 'none' ? '' : `<p>Recipient's signature check: ${escapeHtml(c.signature)}</p>`;
  const wrong = c.contradictions.length
    ? `<p class="leak">Does not match the prediction: ${escapeHtml(c.contradictions.join('; '))}</p>`
    : '';
  return `<article class="case" data-case="${escapeHtml(c.name)}"><h3>${escapeHtml(c.title)}</h3>${note}${signature}${wrong}<dl>${c.evidence.map(evidenceItem).join('')}</dl></article>`;
}

export function renderDemoPage(result: DemoResult): string {
  const s = result.secrets;
  const sections = pathViews(result).map(
    (
      path,
      i,
    ) => `<section class="path" id="path-${escapeHtml(path.name)}" data-path="${escapeHtml(path.name)}">
<h2>${i + 1}. ${escapeHtml(path.title)}</h2>
${drawPath(path)}
<p>Relay → mailbox: ${escapeHtml(path.relayDelivery)}.</p>
${matrix(path)}
<details open><summary>Evidence: the stored copies and the recorded bytes</summary>${path.cases.map(caseEvidence).join('\n')}</details>
</section>`,
  );
  const protections = result.protections
    .map(
      (p) =>
        `<dt>${escapeHtml(p.name)}</dt><dd><strong>Stops</strong> ${escapeHtml(p.stops)}<br><strong>Does not stop</strong> ${escapeHtml(p.doesNotStop)}</dd>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>sealpost demo: who could read your mail</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Who could read your mail?</h1>
<p>The same message, with an attachment, sent three ways (transport TLS only, OpenPGP, S/MIME) along three mail paths on 127.0.0.1.</p>
<p>Subject <span class="secret" id="subject">${escapeHtml(s.subject)}</span>, body “…<span class="secret">${escapeHtml(s.bodyPhrase)}</span>…”, attachment <span class="secret">${escapeHtml(s.attachmentName)}</span>, from ${escapeHtml(s.sender)} to ${escapeHtml(s.recipient)}.</p>
</header>
${sections.join('\n')}
<section class="protections">
<h2>What each protection does and does not stop</h2>
<p>${escapeHtml(result.explanation)}</p>
<dl>${protections}</dl>
</section>
<footer>Made by <code>sealpost demo</code> in ${result.durationMs} ms with throwaway keys and certificates; nothing left the machine.</footer>
</body>
</html>
`;
}

/**
 * The dashboard: jobs by state and, per job, the exposure matrix (docs/design.md §5) with the
 * transport and end-to-end facts. Server-rendered HTML with no script at all; every value
 * from a message or a server is escaped, and the CSP forbids inline script and style.
 */
import { MESSAGE_PARTS, type MessageReport, OBSERVERS } from '@sealpost/pipeline';
import { JOB_STATES, type JobInfo, type JobState } from '@sealpost/queue';
import type { JobReport } from '../protect-at-enqueue.js';
import { escapeHtml as h } from './escape-html.js';

/** Script none, styles only from /dashboard.css, no framing, forms only to ourselves. */
export const DASHBOARD_CSP =
  "default-src 'none'; style-src 'self'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(title)}</title><link rel="stylesheet" href="/dashboard.css"></head>
<body>${body}</body></html>
`;
}

export function loginPage(failed: boolean): string {
  return page(
    'sealpost-worker — sign in',
    `<h1>sealpost-worker</h1>
<form class="login" method="post" action="/login">
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Open the dashboard</button>
${failed ? '<p role="alert">That token is not valid.</p>' : ''}
</form>`,
  );
}

function exposureTable(m: MessageReport): string {
  const head = MESSAGE_PARTS.map((p) => `<th scope="col">${h(p)}</th>`).join('');
  const rows = OBSERVERS.map((o) => {
    const cells = MESSAGE_PARTS.map((p) => {
      const cell = m.exposure?.[o]?.[p];
      const v = cell?.visibility ?? 'readable';
      return `<td class="${h(v)}" title="${h(cell?.why)}">${h(v)}</td>`;
    }).join('');
    return `<tr><th scope="row">${h(o)}</th>${cells}</tr>`;
  }).join('\n');
  return `<table class="exposure" data-testid="exposure"><thead><tr><th>observer</th>${head}</tr></thead><tbody>
${rows}</tbody></table>`;
}

function transportFacts(m: MessageReport): string {
  const t = m.transport;
  if (t && t.transport === 'smtp') {
    const tls = t.tls
      ? `${t.tls.version} ${t.tls.cipher}, certificate ${t.tls.validation}`
      : 'no TLS';
    return `${t.host}:${t.port} ${t.mode}, ${tls}`;
  }
  return `not sent yet; exposure assumes ${m.firstLink?.mode ?? 'implicit-tls'} with a verified certificate`;
}

function endToEndFacts(m: MessageReport): string {
  const e = m.endToEnd;
  if (!e) return 'unknown';
  const enc =
    e.scheme === 'none'
      ? 'not encrypted'
      : `encrypted (${e.scheme === 'pgp' ? 'OpenPGP' : 'S/MIME'})`;
  const sig =
    e.sign === 'none' ? 'not signed' : `signed (${e.sign === 'pgp' ? 'OpenPGP' : 'S/MIME'})`;
  const alg = e.algorithms?.length ? `; ${e.algorithms.join(', ')}` : '';
  return `${enc}, ${sig}${e.headerProtection ? ', header protection' : ''}${alg}`;
}

function jobCard(job: JobInfo): string {
  const report = job.report as (JobReport & { subject?: string }) | undefined;
  const m = report?.messages?.[0];
  const e2e = m?.endToEnd?.scheme !== undefined && m.endToEnd.scheme !== 'none';
  const kind = e2e ? 'e2e' : 'plain';
  const last = job.attempts.at(-1);
  return `<section class="job ${kind}" data-testid="job" data-job="${h(job.id)}" data-state="${h(job.state)}">
<h2>${h(job.id)}</h2>
<span class="badge ${kind}">${e2e ? 'end-to-end encrypted' : 'transport only'}</span>
<span class="state">${h(job.state)}</span>
<dl>
<dt>subject (as queued)</dt><dd data-testid="subject">${h(report?.subject ?? '')}</dd>
<dt>from</dt><dd>${h(job.envelope.from)}</dd>
<dt>to</dt><dd>${h(job.envelope.to.join(', '))}</dd>
<dt>Message-ID</dt><dd>${h(job.messageId)}</dd>
<dt>queue holds</dt><dd>${h(report?.queued ?? 'unknown')}</dd>
<dt>end to end</dt><dd>${m ? h(endToEndFacts(m)) : ''}</dd>
<dt>transport</dt><dd>${m ? h(transportFacts(m)) : ''}</dd>
<dt>attempts</dt><dd>${job.attempts.length}${last ? ` — last: ${h(last.code ?? 'ok')} ${h(last.response ?? '')}` : ''}</dd>
</dl>
${m ? exposureTable(m) : ''}
</section>`;
}

export function dashboardPage(counts: Record<JobState, number>, jobs: readonly JobInfo[]): string {
  const countList = JOB_STATES.map(
    (s) => `<span class="count" data-state="${s}">${s}: <b>${counts[s]}</b></span>`,
  ).join('');
  return page(
    'sealpost-worker',
    `<h1>sealpost-worker</h1>
<div class="counts">${countList}</div>
${jobs.map(jobCard).join('\n') || '<p>No jobs.</p>'}`,
  );
}

/**
 * The "who can read this" report of docs/design.md §5 for one send: per message, the transport
 * facts (from the transport's report), the end-to-end facts, and the exposure matrix.
 */
import { parseEntity } from '@sealpost/compose';
import type { KeySource } from '@sealpost/keystore';
import type { TransportReport } from '@sealpost/transport';
import type { BuiltMessage } from './build-messages.js';
import {
  type ExposureMatrix,
  exposureMatrix,
  type LinkProtection,
  renderExposureTable,
} from './exposure.js';
import type { RecipientDecision, Scheme, SendPlan } from './plan-send.js';
import { headerSection, rawSize } from './spool/spooled-copy.js';

export interface EndToEndFacts {
  readonly scheme: Scheme;
  readonly sign: Scheme;
  readonly recipients: readonly {
    readonly address: string;
    readonly fingerprint: string;
    readonly source: KeySource;
  }[];
  readonly signer?: { readonly fingerprint: string; readonly source: KeySource };
  readonly algorithms: readonly string[];
  readonly headerProtection: boolean;
}

export interface MessageReport {
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  readonly bccCopy: boolean;
  readonly size: number;
  readonly endToEnd: EndToEndFacts;
  /** Null when nothing was sent (dry run without a transport report). */
  readonly transport: TransportReport | null;
  /** What the exposure of the first link was computed from. */
  readonly firstLink: LinkProtection & { readonly assumed: boolean };
  readonly exposure: ExposureMatrix;
  /**
   * Header fields of the sent bytes outside any encryption, beyond what the matrix covers
   * (From, To, Cc, Subject, MIME structure): every server reads them, e.g. Date, Message-ID,
   * References, custom X- fields. Names only, in order, each once.
   */
  readonly clearHeaders: readonly string[];
  readonly notes: readonly string[];
}

export interface SendReport {
  readonly from: string;
  readonly decisions: readonly RecipientDecision[];
  readonly messages: readonly MessageReport[];
  /** Facts about the send as a whole, e.g. encrypted and plain copies of one content. */
  readonly warnings: readonly string[];
}

/** The fields the exposure matrix already speaks for, and the MIME structure. */
const COVERED = new Set(['from', 'to', 'cc', 'subject', 'mime-version']);

/** Header names outside the encryption of `raw` (RFC 5322 §2.2), beyond COVERED and Content-*. */
export function clearHeaderNames(raw: Uint8Array): string[] {
  const names: string[] = [];
  for (const { name } of parseEntity(raw).headers) {
    const lower = name.toLowerCase();
    if (COVERED.has(lower) || lower.startsWith('content-')) continue;
    if (!names.some((n) => n.toLowerCase() === lower)) names.push(name);
  }
  return names;
}

/**
 * What the per-message blocks cannot say: when one send has end-to-end encrypted copies and
 * copies in clear (a mixed policy, a Bcc without a key), the content reached servers in clear.
 */
export function sendWarnings(plan: SendPlan): string[] {
  const clear = plan.messages.filter((m) => m.scheme === 'none');
  if (clear.length === 0 || clear.length === plan.messages.length) return [];
  const to = clear.flatMap((m) => m.envelopeTo).join(', ');
  return [
    `the content reached the servers in clear anyway: the copy to ${to} is not end-to-end encrypted, so the other copies' encryption does not keep the body from the servers`,
  ];
}

export function linkFromTransport(
  report: TransportReport | null,
): LinkProtection & { assumed: boolean } {
  if (report?.transport !== 'smtp') {
    // Dry runs and file output: sealpost's policy is verified TLS, so that is what a real send gets.
    return { mode: 'implicit-tls', certificateVerified: true, assumed: true };
  }
  return { mode: report.mode, certificateVerified: report.tls !== null, assumed: false };
}

export function messageReport(
  built: BuiltMessage,
  transport: TransportReport | null,
): MessageReport {
  const { planned } = built;
  const firstLink = linkFromTransport(transport);
  return {
    envelope: built.envelope,
    bccCopy: planned.bccCopy,
    size: rawSize(built.raw),
    endToEnd: {
      scheme: planned.scheme,
      sign: planned.sign,
      recipients: planned.encryptTo.map((k) => ({
        address: k.address,
        fingerprint: k.fingerprint,
        source: k.source,
      })),
      ...(planned.signer
        ? { signer: { fingerprint: planned.signer.fingerprint, source: planned.signer.source } }
        : {}),
      algorithms: built.algorithms,
      headerProtection: planned.headerProtection,
    },
    transport,
    firstLink,
    exposure: exposureMatrix({
      scheme: planned.scheme,
      headerProtection: planned.headerProtection,
      firstLink,
    }),
    clearHeaders: clearHeaderNames(headerSection(built.raw)),
    notes: planned.notes,
  };
}

const SCHEME_NAMES: Record<Scheme, string> = {
  pgp: 'OpenPGP',
  smime: 'S/MIME',
  none: 'no end-to-end encryption',
};

/** Word-wraps `text` to 80 columns, continuation lines indented two more than `indent`. */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.trim() && line.length + 1 + word.length > 80) {
      lines.push(line);
      line = `${indent}  `;
    }
    line += line.trim() ? ` ${word}` : word;
  }
  lines.push(line);
  return lines;
}

/** The human form: one block per message. */
export function renderSendReport(report: SendReport): string {
  const blocks = report.messages.map((m, i) => {
    const lines = [
      `Message ${i + 1} of ${report.messages.length}${m.bccCopy ? ' (private Bcc copy)' : ''} → ${m.envelope.to.join(', ')}`,
      `  end-to-end: ${SCHEME_NAMES[m.endToEnd.scheme]}${m.endToEnd.sign !== 'none' ? `, signed (${SCHEME_NAMES[m.endToEnd.sign]})` : ', not signed'}${m.endToEnd.headerProtection ? ', header protection' : ''}`,
    ];
    for (const r of m.endToEnd.recipients)
      lines.push(`    key for ${r.address} (from ${r.source}):`, `      ${r.fingerprint}`);
    const t = m.transport;
    if (t && t.transport === 'smtp') {
      const tls = t.tls
        ? `${t.tls.version} ${t.tls.cipher}, certificate ${t.tls.validation} (sha256 ${t.tls.certificate?.fingerprint256.slice(0, 16) ?? '?'}…)`
        : 'no TLS';
      lines.push(`  transport: ${t.host}:${t.port} ${t.mode}, ${tls}`);
      lines.push(`  server said: ${t.response}`);
    } else {
      lines.push(
        `  transport: ${t?.transport === 'file' ? `written to ${t.file}` : 'not sent (dry run)'}; exposure assumes verified TLS`,
      );
    }
    for (const note of m.notes) lines.push(`  note: ${note}`);
    if (m.endToEnd.scheme !== 'none' && m.clearHeaders.length > 0)
      lines.push(
        ...wrap(`outside the encryption, every server reads: ${m.clearHeaders.join(', ')}`, '  '),
      );
    lines.push(
      '',
      ...renderExposureTable(m.exposure)
        .split('\n')
        .map((l) => `  ${l}`),
    );
    return lines.join('\n');
  });
  const warnings = (report.warnings ?? []).flatMap((w) => wrap(`warning: ${w}`, ''));
  return [...blocks, ...(warnings.length ? [warnings.join('\n')] : [])].join('\n\n');
}

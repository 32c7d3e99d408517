/**
 * The "who can read this" report of docs/design.md §5 for one send: per message, the transport
 * facts (from the transport's report), the end-to-end facts, and the exposure matrix.
 */
import type { KeySource } from '@sealpost/keystore';
import type { TransportReport } from '@sealpost/transport';
import type { BuiltMessage } from './build-messages.js';
import {
  type ExposureMatrix,
  exposureMatrix,
  type LinkProtection,
  renderExposureTable,
} from './exposure.js';
import type { RecipientDecision, Scheme } from './plan-send.js';
import { rawSize } from './spool/spooled-copy.js';

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
  readonly notes: readonly string[];
}

export interface SendReport {
  readonly from: string;
  readonly decisions: readonly RecipientDecision[];
  readonly messages: readonly MessageReport[];
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
    notes: planned.notes,
  };
}

const SCHEME_NAMES: Record<Scheme, string> = {
  pgp: 'OpenPGP',
  smime: 'S/MIME',
  none: 'no end-to-end encryption',
};

/** The human form: one block per message. */
export function renderSendReport(report: SendReport): string {
  const blocks = report.messages.map((m, i) => {
    const lines = [
      `Message ${i + 1} of ${report.messages.length}${m.bccCopy ? ' (private Bcc copy)' : ''} → ${m.envelope.to.join(', ')}`,
      `  end-to-end: ${SCHEME_NAMES[m.endToEnd.scheme]}${m.endToEnd.sign !== 'none' ? `, signed (${SCHEME_NAMES[m.endToEnd.sign]})` : ', not signed'}${m.endToEnd.headerProtection ? ', header protection' : ''}`,
    ];
    for (const r of m.endToEnd.recipients)
      lines.push(`    key for ${r.address}: ${r.fingerprint} (from ${r.source})`);
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
    lines.push(
      '',
      ...renderExposureTable(m.exposure)
        .split('\n')
        .map((l) => `  ${l}`),
    );
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

/** The human form of `sealpost probe`: one block per port, then what sealpost would use. */
import type { PortProbeResult, ProbeReport } from '@sealpost/transport';
import type { Output } from '../output.js';
import { clean, colonHex, keyValueRows } from '../text/layout.js';

export interface ExplainedPort extends PortProbeResult {
  /** explainPort(port): what the port is for. */
  readonly explanation: string;
}

export interface ProbeResult extends Omit<ProbeReport, 'ports'> {
  readonly ports: readonly ExplainedPort[];
}

const MODE_LABEL = { 'implicit-tls': 'implicit TLS', starttls: 'STARTTLS' } as const;

function yesNo(value: boolean, out: Output): string {
  return value ? out.green('yes') : out.red('no');
}

function ehloSummary(port: PortProbeResult): string {
  const ext = port.extensions;
  if (!ext) return 'none (no EHLO reply)';
  return ext.lines.length > 0 ? clean(ext.lines.join(', ')) : '(no extensions)';
}

function portRows(port: ExplainedPort, out: Output): [string, string][] {
  const rows: [string, string][] = [
    ['reachable', `${port.reachable} (${port.durationMs} ms)`],
    ['mode', MODE_LABEL[port.mode]],
  ];
  if (port.banner !== null) rows.push(['banner', clean(port.banner)]);
  if (port.reachable === 'open') rows.push(['EHLO', ehloSummary(port)]);
  const tls = port.tls;
  if (tls) {
    rows.push(['TLS', `${tls.version}, ${tls.cipher}, ALPN ${tls.alpn ?? 'none'}`]);
    const cert = tls.certificate;
    if (cert) {
      rows.push(['certificate', clean(cert.subject) || '(empty subject)']);
      rows.push(['  SANs', clean(cert.subjectAltNames.join(', ')) || '(none)']);
      rows.push(['  issuer', clean(cert.issuer)]);
      rows.push(['  valid', `${cert.validFrom} → ${cert.validTo}`]);
      rows.push(['  SHA-256', colonHex(cert.fingerprint256)]);
    } else {
      rows.push(['certificate', '(none presented)']);
    }
    rows.push([
      'chain valid',
      tls.chainValid ? yesNo(true, out) : `${yesNo(false, out)} (${tls.chainError})`,
    ]);
    rows.push(['host name match', yesNo(tls.hostnameMatch, out)]);
  } else if (port.reachable === 'open') {
    rows.push(['TLS', out.red('none')]);
  }
  if (port.error) rows.push(['stopped by', `${port.error.code}: ${clean(port.error.message)}`]);
  rows.push(['verdict', port.usable ? out.green(port.recommendation) : clean(port.recommendation)]);
  rows.push([`about ${port.port}`, port.explanation]);
  return rows;
}

export function renderProbe(result: ProbeResult, out: Output): string {
  const blocks = result.ports.map(
    (port) =>
      `${out.bold(`${result.host} port ${port.port}`)}  ${port.usable ? out.green('usable') : out.red('not usable')}\n${keyValueRows(portRows(port, out))}`,
  );
  const best = result.recommended;
  const summary = best
    ? `sealpost would submit on port ${best.port} (${MODE_LABEL[best.mode]}).`
    : 'sealpost would not submit to any of these ports.';
  return [...blocks, out.bold(summary), 'No AUTH, MAIL or message data was sent.'].join('\n\n');
}

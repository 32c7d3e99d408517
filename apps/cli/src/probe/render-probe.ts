/** The human form of `sealpost probe`: one block per port, then what sealpost would use. */
import { formatOctets, type PortProbeResult, type ProbeReport } from '@sealpost/transport';
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

/** What the cleartext EHLO of a STARTTLS port offered: what an attacker on the path sees. */
function cleartextSummary(port: PortProbeResult, out: Output): string {
  const ext = port.cleartextExtensions!;
  const auth = ext.auth.length > 0;
  return [
    `STARTTLS ${ext.starttls ? 'offered' : out.red('NOT offered')}`,
    auth
      ? out.red(`AUTH ${clean(ext.auth.join(' '))} offered before TLS`)
      : 'no AUTH before TLS (good)',
  ].join('; ');
}

function portRows(port: ExplainedPort, out: Output, brief: boolean): [string, string][] {
  const connect = port.connectMs === null ? '' : `connect ${port.connectMs} ms, `;
  const rows: [string, string][] = [
    ['reachable', `${port.reachable} (${connect}${port.durationMs} ms in all)`],
    ['mode', MODE_LABEL[port.mode]],
  ];
  if (port.banner !== null) rows.push(['banner', clean(port.banner)]);
  if (port.cleartextExtensions) rows.push(['before TLS', cleartextSummary(port, out)]);
  if (port.reachable === 'open') rows.push([port.tls ? 'EHLO in TLS' : 'EHLO', ehloSummary(port)]);
  // SIZE n (RFC 1870): send refuses a larger copy before MAIL FROM (ETOOBIG); 0 is no limit.
  const size = port.extensions?.size;
  if (size) rows.push(['largest message', `${formatOctets(size)}; larger ones are refused unsent`]);
  const tls = port.tls;
  if (tls) {
    rows.push(['TLS', `${tls.version}, ${tls.cipher}, ALPN ${tls.alpn ?? 'none'}`]);
    const cert = tls.certificate;
    if (cert) {
      rows.push(['certificate', clean(cert.subject) || '(empty subject)']);
      rows.push(['  SANs', clean(cert.subjectAltNames.join(', ')) || '(none)']);
      rows.push(['  issuer', clean(cert.issuer)]);
      rows.push(['  valid', `${cert.validFrom} → ${cert.validTo}`]);
      // Two halves, so the 95-character fingerprint can wrap inside 80 columns.
      const hex = colonHex(cert.fingerprint256);
      rows.push(['  SHA-256', `${hex.slice(0, 48)} ${hex.slice(48)}`]);
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
  if (!brief) rows.push([`about ${port.port}`, port.explanation]);
  return rows;
}

/** The flags that make `send` use exactly this port and mode. */
export function serverFlags(host: string, port: number, mode: keyof typeof MODE_LABEL): string {
  return `--server ${host}:${port} --tls ${mode === 'implicit-tls' ? 'implicit' : 'starttls'}`;
}

export function renderProbe(
  result: ProbeResult,
  out: Output,
  options: { brief?: boolean; width?: number } = {},
): string {
  const width = options.width ?? 80;
  const blocks = result.ports.map(
    (port) =>
      `${out.bold(`${result.host} port ${port.port}`)}  ${port.usable ? out.green('usable') : out.red('not usable')}\n${keyValueRows(portRows(port, out, options.brief === true), '  ', width)}`,
  );
  const best = result.recommended;
  const summary = best
    ? [
        out.bold(`sealpost would submit on port ${best.port} (${MODE_LABEL[best.mode]}):`),
        `  sealpost send ${serverFlags(result.host, best.port, best.mode)} …`,
      ].join('\n')
    : out.bold('sealpost would not submit to any of these ports.');
  return [...blocks, summary, 'No AUTH, MAIL or message data was sent.'].join('\n\n');
}

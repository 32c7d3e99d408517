/**
 * `--port N[:implicit-tls|:starttls]` for `sealpost probe`: how TLS starts on each port follows
 * the port table (465 implicit TLS, RFC 8314 §3.3; 587/2525/25 STARTTLS, RFC 3207) unless the
 * suffix says otherwise, e.g. for a provider that speaks implicit TLS on 2525.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { PORTS, type ProbeMode, type ProbePort } from '@sealpost/transport';

const MODES: Readonly<Record<string, ProbeMode>> = {
  'implicit-tls': 'implicit-tls',
  implicit: 'implicit-tls',
  tls: 'implicit-tls',
  starttls: 'starttls',
};

/** The default mode of a port: implicit TLS only where the port table says so. */
export function defaultProbeMode(port: number): ProbeMode {
  return PORTS[port]?.tls === 'implicit-tls' ? 'implicit-tls' : 'starttls';
}

/** Parses one `--port` value; EUSAGE when it is not 1–65535 with an optional known mode. */
export function parseProbePort(value: string): ProbePort {
  const match = /^(\d{1,5})(?::([a-z-]+))?$/i.exec(value.trim());
  const port = match ? Number(match[1]) : Number.NaN;
  if (!match || port < 1 || port > 65_535) {
    throw new SealpostError(
      'EUSAGE',
      `--port ${quoteUntrusted(value)} is not a port number (1–65535), optionally followed by ":implicit-tls" or ":starttls".`,
    );
  }
  const suffix = match[2]?.toLowerCase();
  if (suffix === undefined) return { port, mode: defaultProbeMode(port) };
  const mode = MODES[suffix];
  if (!mode) {
    throw new SealpostError(
      'EUSAGE',
      `Unknown TLS mode ${quoteUntrusted(suffix)} in --port ${quoteUntrusted(value)}: use implicit-tls or starttls.`,
    );
  }
  return { port, mode };
}

/** Parses `--timeout MS`: a whole number of milliseconds, 100 ms to 5 minutes. */
export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 100 || ms > 300_000) {
    throw new SealpostError(
      'EUSAGE',
      `--timeout ${quoteUntrusted(value)} must be a whole number of milliseconds from 100 to 300000.`,
    );
  }
  return ms;
}

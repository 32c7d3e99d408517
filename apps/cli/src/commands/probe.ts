/** `sealpost probe HOST`: what each submission port of a server offers (RFC 8314, RFC 3207). */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '@sealpost/config';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { Command } from '../command.js';
import { parseProbePort, parseTimeout } from '../probe/probe-ports.js';

export const probeCommand: Command = {
  name: 'probe',
  summary: 'Show what a mail server offers on each submission port, and which one to use',
  usage:
    'sealpost probe HOST [--port N[:implicit-tls|:starttls]]... [--ca FILE] [--timeout MS] [--brief] [--json]',
  description:
    'Connects to each port of HOST (by default 465, 587, 2525 and 25) and reports what it\n' +
    'offers: the greeting, the EHLO extensions, the TLS version and cipher, the certificate\n' +
    '(subject, names, issuer, validity, SHA-256 fingerprint), whether its chain and host name\n' +
    'verify, and whether sealpost would submit there. It speaks only EHLO, STARTTLS and QUIT:\n' +
    'it never authenticates and never sends mail. 465 is submission over implicit TLS, which\n' +
    'RFC 8314 recommends; 587 is submission with STARTTLS; 25 is for server-to-server relay.\n' +
    'Exits 0 when some port is usable for submission, 4 when none is.',
  options: {
    port: {
      type: 'string',
      multiple: true,
      valueName: 'N[:MODE]',
      description:
        'Probe this port (repeatable). MODE implicit-tls or starttls; default from the port (465 implicit TLS, others STARTTLS).',
    },
    ca: {
      type: 'string',
      valueName: 'FILE',
      description:
        'Trust this CA (PEM) for the chain check instead of the system\'s roots (default: the "ca" setting or SEALPOST_CA).',
    },
    timeout: {
      type: 'string',
      valueName: 'MS',
      description: 'Time limit per port in milliseconds, all stages included (default 8000).',
    },
    brief: {
      type: 'boolean',
      description: 'Leave out the explanation of what each port is for.',
    },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    { command: 'sealpost probe smtp.example.org', says: 'the four usual ports, side by side' },
    {
      command: 'sealpost probe mail.example.net --port 2525:implicit-tls',
      says: 'a provider that speaks implicit TLS on 2525',
    },
    {
      command: 'sealpost probe localhost --port 587 --ca ./test-ca.pem --json',
      says: 'a test server whose certificate comes from your own CA, as JSON',
    },
  ],
  async run({ values, positionals, out, cwd, env }) {
    const host = positionals[0]!;
    if (!/^[A-Za-z0-9.:_-]+$/.test(host)) {
      throw new SealpostError('EUSAGE', `${quoteUntrusted(host)} is not a host name or address.`);
    }
    const ports = ((values.port as string[] | undefined) ?? []).map(parseProbePort);
    const timeoutMs = parseTimeout(values.timeout as string | undefined);
    // Flags win over the config file and SEALPOST_* (the same CA a send to this server would use).
    const caFile = (values.ca as string | undefined) ?? loadConfig(cwd, env).ca;
    let ca: string | undefined;
    if (caFile !== undefined) {
      try {
        ca = await readFile(resolve(cwd, caFile), 'utf8');
      } catch (cause) {
        throw new SealpostError('EIO', `Cannot read the CA file ${quoteUntrusted(caFile)}.`, {
          cause,
        });
      }
    }
    const [{ probe, explainPort }, { renderProbe, serverFlags }] = await Promise.all([
      import('@sealpost/transport'),
      import('../probe/render-probe.js'),
    ]);
    const report = await probe(host, {
      ...(ports.length > 0 ? { ports } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(ca !== undefined ? { ca } : {}),
    });
    const result = {
      ...report,
      ports: report.ports.map((p) => ({ ...p, explanation: explainPort(p.port) })),
      use: report.recommended
        ? serverFlags(host, report.recommended.port, report.recommended.mode)
        : null,
    };
    out.result(result);
    out.print(renderProbe(result, out, { brief: values.brief === true, width: out.width }));
    return result.recommended ? 0 : 4;
  },
};

/**
 * How the demo's relay delivers on the server-to-server hop when it acts like a real MTA on
 * port 25: sealpost's relay mode (RFC 5321 §5.1 MX lookup, RFC 8461 MTA-STS discovery) asking
 * the demo's own DNS and policy host. Without an enforced policy it uses TLS only when the
 * MX host offers it (RFC 7435 opportunistic security), which is what the attacker exploits;
 * under `mode: enforce` it refuses a host that does not offer STARTTLS with a valid certificate.
 */
import { isSealpostError } from '@sealpost/errors';
import {
  createHttpsPolicyFetcher,
  createRelayResolver,
  createRelayTransport,
} from '@sealpost/transport';
import type { Forwarder } from './forward.js';

export interface MxForwarderOptions {
  /** The demo DNS, "127.0.0.1:PORT". */
  readonly dnsServer: string;
  /** Port of the demo's MTA-STS policy host (instead of 443). */
  readonly policyPort: number;
  /** Port the MX host is reached on (instead of 25): the attacker's, in front of the mailbox. */
  readonly mxPort: number;
  readonly caPem: string;
}

export function createMxForwarder(options: MxForwarderOptions): Forwarder {
  const resolver = createRelayResolver({
    servers: [options.dnsServer],
    timeoutMs: 2_000,
    tries: 1,
  });
  const relay = createRelayTransport({
    resolver,
    fetcher: createHttpsPolicyFetcher({
      resolver,
      ca: options.caPem,
      port: options.policyPort,
      timeoutMs: 3_000,
    }),
    ca: options.caPem,
    port: options.mxPort,
    clientName: 'relay.localhost',
    // The default MTA behaviour the demo shows: deliver even without an enforced policy.
    allowOpportunistic: true,
    timeouts: { connectMs: 3_000, greetingMs: 3_000, socketMs: 10_000 },
  });
  return async (envelope, raw) => {
    const [outcome] = await relay.send({ envelope, raw: new Uint8Array(raw) });
    if (!outcome) throw new Error('no recipient to deliver to');
    if ('report' in outcome) {
      const { report } = outcome;
      const tls = report.tls
        ? `${report.tls.version}, certificate ${report.tls.verified ? 'verified' : 'not verified'}`
        : null;
      return {
        delivered: true,
        tls,
        note: `MTA-STS: ${report.mode}; ${tls ? `STARTTLS (${tls})` : 'no STARTTLS offered, sent in cleartext'} to ${report.host}`,
      };
    }
    if (isSealpostError(outcome.error) && outcome.error.code === 'EMTASTS') {
      return { delivered: false, code: outcome.error.code, note: outcome.error.message };
    }
    throw outcome.error;
  };
}

/**
 * How a demo hop hands a message to the next one. The strict way: sealpost's own SMTP
 * transport with STARTTLS required and the certificate verified against the demo CA, as a
 * careful MTA does under an enforced MTA-STS policy. mx-forwarder.ts has the port-25 way.
 */
import { createSmtpTransport } from '@sealpost/transport';

export interface ForwardTarget {
  readonly port: number;
  readonly caPem: string;
  /** Host name the next hop's certificate must carry. */
  readonly servername: string;
}

export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
}

/** What became of a message a hop passed on. */
export type ForwardOutcome =
  | { readonly delivered: true; readonly note: string; readonly tls: string | null }
  | {
      /** Refused by the sending side's own rules; the message stays queued at this hop. */
      readonly delivered: false;
      readonly code: string;
      readonly note: string;
    };

/** Passes a message on; throws when the next hop cannot take it (the hop then answers 451). */
export type Forwarder = (envelope: Envelope, raw: Buffer) => Promise<ForwardOutcome>;

export function strictForwarder(target: ForwardTarget): Forwarder {
  return async (envelope, raw) => {
    const transport = createSmtpTransport({
      host: '127.0.0.1',
      port: target.port,
      mode: 'starttls',
      servername: target.servername,
      ca: target.caPem,
      clientName: 'demo-hop.localhost',
      timeouts: { connectMs: 5_000, greetingMs: 5_000, socketMs: 10_000 },
    });
    try {
      const report = await transport.send({ envelope, raw: new Uint8Array(raw) });
      const tls = report.tls ? `${report.tls.version}, certificate ${report.tls.validation}` : null;
      return { delivered: true, note: `STARTTLS required and done (${tls})`, tls };
    } finally {
      await transport.close();
    }
  };
}

/**
 * How a demo hop hands a message to the next one: sealpost's own SMTP transport with STARTTLS
 * required and the certificate verified against the demo CA, as a careful MTA does under an
 * enforced MTA-STS policy.
 */
import { createSmtpTransport } from '@sealpost/transport';

export interface ForwardTarget {
  readonly port: number;
  readonly caPem: string;
  /** Host name the next hop's certificate must carry. */
  readonly servername: string;
}

export async function forwardMessage(
  target: ForwardTarget,
  envelope: { from: string; to: readonly string[] },
  raw: Buffer,
): Promise<void> {
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
    await transport.send({ envelope, raw: new Uint8Array(raw) });
  } finally {
    await transport.close();
  }
}

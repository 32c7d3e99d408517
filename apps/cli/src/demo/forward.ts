/**
 * How a demo hop hands a message to the next one: SMTP with STARTTLS required and the
 * certificate verified against the demo CA, like a careful MTA under an MTA-STS policy.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface ForwardTarget {
  readonly port: number;
  readonly caPem: string;
  /** Host name the next hop's certificate must carry. */
  readonly servername: string;
}

function promisify<T>(fn: (cb: (err: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, value) => (err ? reject(err) : resolve(value as T))),
  );
}

export async function forwardMessage(
  target: ForwardTarget,
  envelope: { from: string; to: readonly string[] },
  raw: Buffer,
): Promise<void> {
  const connection = new SMTPConnection({
    host: '127.0.0.1',
    port: target.port,
    secure: false,
    requireTLS: true,
    name: 'demo-hop.localhost',
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 10_000,
    tls: { ca: target.caPem, servername: target.servername, minVersion: 'TLSv1.2' },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      connection.once('error', reject);
      connection.connect(() => resolve());
    });
    await promisify((cb) =>
      connection.send({ from: envelope.from, to: [...envelope.to] }, raw, (err, info) =>
        cb(err, info),
      ),
    );
  } finally {
    connection.quit();
    connection.close();
  }
}

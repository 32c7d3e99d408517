/**
 * One mail server of the demo path (submission server, relay, or the recipient's mailbox).
 * Like any real server it sees the message in the clear once TLS is removed: it keeps that
 * copy as a file, exactly as received, then passes the message on to the next hop.
 */
import { timingSafeEqual } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Forwarder, ForwardOutcome } from './forward.js';

export interface StoredCopy {
  readonly hop: string;
  readonly file: string;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** The bytes this server received and could read. */
  readonly bytes: Buffer;
  /** Whether it arrived over TLS. */
  readonly secure: boolean;
  /** What became of it when this hop passed it on (absent for the last hop). */
  readonly delivery?: ForwardOutcome;
}

export interface HopOptions {
  readonly name: string;
  /** Host name used in the greeting and trace headers, e.g. "submission.demo.localhost". */
  readonly hostname: string;
  readonly tls: { readonly keyPem: string; readonly chainPem: string };
  readonly listeners: readonly ('implicit-tls' | 'starttls')[];
  readonly storeDir: string;
  /** Required credentials (the submission server); relays and the mailbox take mail unauthenticated. */
  readonly auth?: { readonly user: string; readonly password: string };
  readonly forward?: Forwarder;
  /**
   * Take mail without TLS: what a public MX host on port 25 must do (RFC 3207 §4); the
   * submission server and the relay insist on TLS first.
   */
  readonly acceptCleartext?: boolean;
}

export interface Hop {
  readonly name: string;
  readonly ports: Readonly<Record<'implicit-tls' | 'starttls', number | undefined>>;
  readonly copies: readonly StoredCopy[];
  close(): Promise<void>;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startHop(options: HopOptions): Promise<Hop> {
  await mkdir(options.storeDir, { recursive: true });
  const copies: StoredCopy[] = [];
  const servers: SMTPServer[] = [];
  const ports: Record<'implicit-tls' | 'starttls', number | undefined> = {
    'implicit-tls': undefined,
    starttls: undefined,
  };

  const onData: SMTPServerOptions['onData'] = (stream, session, callback) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', async () => {
      try {
        const bytes = Buffer.concat(chunks);
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const file = join(options.storeDir, `${String(copies.length + 1).padStart(3, '0')}.eml`);
        await writeFile(file, bytes);
        const copy: { -readonly [K in keyof StoredCopy]: StoredCopy[K] } = {
          hop: options.name,
          file,
          envelope,
          bytes,
          secure: Boolean(session.secure),
        };
        copies.push(copy);
        if (options.forward) {
          // RFC 5321 §4.4: every relaying server adds its trace line on top.
          const trace = `Received: from ${session.clientHostname || 'client'} by ${options.hostname} with ${copy.secure ? 'ESMTPS' : 'ESMTP'}; ${new Date().toUTCString()}\r\n`;
          copy.delivery = await options.forward(
            envelope,
            Buffer.concat([Buffer.from(trace), bytes]),
          );
        }
        // A refused delivery is queued, as a real MTA would (and later bounced): the sender's
        // transaction still succeeds.
        callback();
      } catch (err) {
        const failure = new Error(
          `${options.name} could not pass the message on: ${(err as Error).message}`,
        );
        (failure as Error & { responseCode: number }).responseCode = 451;
        callback(failure);
      }
    });
  };

  for (const mode of options.listeners) {
    const server = new SMTPServer({
      name: options.hostname,
      banner: `${options.name} (sealpost demo)`,
      secure: mode === 'implicit-tls',
      key: options.tls.keyPem,
      cert: options.tls.chainPem,
      minVersion: 'TLSv1.2',
      logger: false,
      disableReverseLookup: true,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: !options.auth,
      allowInsecureAuth: false,
      size: 50 * 1024 * 1024,
      onAuth(auth, _session, callback) {
        if (
          options.auth &&
          auth.username === options.auth.user &&
          sameSecret(auth.password ?? undefined, options.auth.password)
        ) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Authentication failed'));
        }
      },
      onData,
      // The STARTTLS listener takes no mail before TLS: sealpost never sends in cleartext,
      // and the demo's servers behave like a well-run submission service. An MX host does.
      onMailFrom(_address, session, callback) {
        if (session.secure || options.acceptCleartext) return callback();
        callback(Object.assign(new Error('Must issue STARTTLS first'), { responseCode: 530 }));
      },
    } as SMTPServerOptions);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    ports[mode] = (server.server.address() as { port: number }).port;
    servers.push(server);
  }

  return {
    name: options.name,
    ports,
    copies,
    async close() {
      await Promise.all(
        servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
    },
  };
}

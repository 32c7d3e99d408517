/**
 * The demo's mail path on 127.0.0.1, with a wiretap on every link:
 *
 *   you ──link──▶ submission server ──link──▶ relay ──link──▶ recipient's mailbox server
 *        (465-style implicit TLS or 587-style STARTTLS)   (STARTTLS)        (STARTTLS)
 *
 * Each server keeps the copy it could read; each link recorder keeps the bytes a network
 * observer on that cable would have seen.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Hop, startHop } from './hop-server.js';
import { type LinkRecorder, startLinkRecorder } from './link-recorder.js';

export interface DemoTls {
  readonly caPem: string;
  /** Server key (PKCS#8 PEM) and chain for every hop; the certificate names "localhost". */
  readonly keyPem: string;
  readonly chainPem: string;
}

export interface DemoNetwork {
  /** Where the sender connects (through the first link's recorder). */
  readonly submission: { readonly implicitTlsPort: number; readonly startTlsPort: number };
  readonly credentials: { readonly user: string; readonly password: string };
  readonly hops: { readonly submission: Hop; readonly relay: Hop; readonly mailbox: Hop };
  readonly links: {
    readonly toSubmissionImplicit: LinkRecorder;
    readonly toSubmissionStartTls: LinkRecorder;
    readonly submissionToRelay: LinkRecorder;
    readonly relayToMailbox: LinkRecorder;
  };
  close(): Promise<void>;
}

export async function startDemoNetwork(options: {
  dir: string;
  tls: DemoTls;
}): Promise<DemoNetwork> {
  const tls = { keyPem: options.tls.keyPem, chainPem: options.tls.chainPem };
  const started: { close(): Promise<void> }[] = [];
  try {
    const mailbox = await startHop({
      name: 'mailbox',
      hostname: 'mx.recipient.localhost',
      tls,
      listeners: ['starttls'],
      storeDir: join(options.dir, 'hops', 'mailbox'),
    });
    started.push(mailbox);
    const relayToMailbox = await startLinkRecorder('relay → mailbox', mailbox.ports.starttls!);
    started.push(relayToMailbox);
    const relay = await startHop({
      name: 'relay',
      hostname: 'relay.localhost',
      tls,
      listeners: ['starttls'],
      storeDir: join(options.dir, 'hops', 'relay'),
      next: { port: relayToMailbox.port, caPem: options.tls.caPem, servername: 'localhost' },
    });
    started.push(relay);
    const submissionToRelay = await startLinkRecorder('submission → relay', relay.ports.starttls!);
    started.push(submissionToRelay);
    // A fresh random password each run: the demo never prints or stores it.
    const credentials = { user: 'demo-sender', password: randomBytes(18).toString('base64url') };
    const submission = await startHop({
      name: 'submission',
      hostname: 'submission.localhost',
      tls,
      listeners: ['implicit-tls', 'starttls'],
      storeDir: join(options.dir, 'hops', 'submission'),
      auth: credentials,
      next: { port: submissionToRelay.port, caPem: options.tls.caPem, servername: 'localhost' },
    });
    started.push(submission);
    const toSubmissionImplicit = await startLinkRecorder(
      'you → submission (implicit TLS)',
      submission.ports['implicit-tls']!,
    );
    started.push(toSubmissionImplicit);
    const toSubmissionStartTls = await startLinkRecorder(
      'you → submission (STARTTLS)',
      submission.ports.starttls!,
    );
    started.push(toSubmissionStartTls);
    return {
      submission: {
        implicitTlsPort: toSubmissionImplicit.port,
        startTlsPort: toSubmissionStartTls.port,
      },
      credentials,
      hops: { submission, relay, mailbox },
      links: { toSubmissionImplicit, toSubmissionStartTls, submissionToRelay, relayToMailbox },
      async close() {
        await Promise.all(started.map((s) => s.close()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw err;
  }
}

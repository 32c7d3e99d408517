/**
 * The demo's mail path on 127.0.0.1, with a wiretap on every link:
 *
 *   you ──link──▶ submission server ──link──▶ relay ──link──▶ recipient's mailbox server
 *        (465-style implicit TLS or 587-style STARTTLS)   (STARTTLS)        (STARTTLS)
 *
 * Each server keeps the copy it could read; each link recorder keeps the bytes a network
 * observer on that cable would have seen. On the attacked paths the relay → mailbox link is an
 * active attacker that strips the STARTTLS offer, the relay delivers the port-25 way (MX
 * lookup, MTA-STS, TLS when offered) through the demo's own DNS, and the mailbox takes
 * cleartext mail like any public MX host.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type DemoZoneEntry, type DnsResponder, startDnsResponder } from './dns-responder.js';
import { strictForwarder } from './forward.js';
import { type Hop, startHop } from './hop-server.js';
import { type LinkRecorder, startLinkRecorder } from './link-recorder.js';
import { createMxForwarder } from './mx-forwarder.js';
import { type PolicyServer, startPolicyServer } from './policy-server.js';
import { createStartTlsStripper } from './starttls-stripping.js';

/** The server-to-server hop: strict TLS, an attacker against opportunistic TLS, or MTA-STS. */
export type DemoPathName = 'tls-everywhere' | 'starttls-stripped' | 'mta-sts-enforce';

export const RECIPIENT_DOMAIN = 'recipient.localhost';
export const MX_HOST = `mx.${RECIPIENT_DOMAIN}`;
export const POLICY_HOST = `mta-sts.${RECIPIENT_DOMAIN}`;
export const MTA_STS_POLICY = `version: STSv1\r\nmode: enforce\r\nmx: ${MX_HOST}\r\nmax_age: 86400\r\n`;

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
  readonly path: DemoPathName;
  readonly hops: { readonly submission: Hop; readonly relay: Hop; readonly mailbox: Hop };
  readonly links: {
    readonly toSubmissionImplicit: LinkRecorder;
    readonly toSubmissionStartTls: LinkRecorder;
    readonly submissionToRelay: LinkRecorder;
    /** A passive wiretap, or on the attacked paths the attacker. */
    readonly relayToMailbox: LinkRecorder;
  };
  /** The attacked paths' DNS and (under MTA-STS) policy host. */
  readonly dns: DnsResponder | null;
  readonly policy: PolicyServer | null;
  close(): Promise<void>;
}

function demoZone(path: DemoPathName): Map<string, DemoZoneEntry> {
  const zone = new Map<string, DemoZoneEntry>([
    [RECIPIENT_DOMAIN, { mx: [{ preference: 10, exchange: MX_HOST }] }],
    [MX_HOST, { a: ['127.0.0.1'] }],
    [POLICY_HOST, { a: ['127.0.0.1'] }],
  ]);
  // RFC 8461 §3.1: the record announces a policy and its id.
  if (path === 'mta-sts-enforce')
    zone.set(`_mta-sts.${RECIPIENT_DOMAIN}`, { txt: [['v=STSv1; id=20261201demo;']] });
  return zone;
}

export async function startDemoNetwork(options: {
  dir: string;
  tls: DemoTls;
  path?: DemoPathName;
}): Promise<DemoNetwork> {
  const path = options.path ?? 'tls-everywhere';
  const attacked = path !== 'tls-everywhere';
  const tls = { keyPem: options.tls.keyPem, chainPem: options.tls.chainPem };
  const started: { close(): Promise<void> }[] = [];
  try {
    const mailbox = await startHop({
      name: 'mailbox',
      hostname: MX_HOST,
      tls,
      listeners: ['starttls'],
      storeDir: join(options.dir, 'hops', 'mailbox'),
      acceptCleartext: attacked,
    });
    started.push(mailbox);
    const relayToMailbox = attacked
      ? await startLinkRecorder(
          'attacker on relay → mailbox',
          mailbox.ports.starttls!,
          createStartTlsStripper,
        )
      : await startLinkRecorder('relay → mailbox', mailbox.ports.starttls!);
    started.push(relayToMailbox);
    const dns = attacked ? await startDnsResponder(demoZone(path)) : null;
    if (dns) started.push(dns);
    const policy =
      path === 'mta-sts-enforce'
        ? await startPolicyServer({ host: POLICY_HOST, policy: MTA_STS_POLICY, tls })
        : null;
    if (policy) started.push(policy);
    const relay = await startHop({
      name: 'relay',
      hostname: 'relay.localhost',
      tls,
      listeners: ['starttls'],
      storeDir: join(options.dir, 'hops', 'relay'),
      forward: dns
        ? createMxForwarder({
            dnsServer: dns.server,
            // Without a TXT record no policy is fetched: any port does.
            policyPort: policy?.port ?? 443,
            mxPort: relayToMailbox.port,
            caPem: options.tls.caPem,
          })
        : strictForwarder({
            port: relayToMailbox.port,
            caPem: options.tls.caPem,
            servername: 'localhost',
          }),
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
      forward: strictForwarder({
        port: submissionToRelay.port,
        caPem: options.tls.caPem,
        servername: 'localhost',
      }),
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
      path,
      dns,
      policy,
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

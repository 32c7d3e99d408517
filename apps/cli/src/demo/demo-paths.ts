/**
 * The three ways the demo's server-to-server hop runs, and what each protection does and
 * does not stop, in plain words (the closing explanation of every output).
 */
import type { DemoPathName } from './network.js';

export interface DemoPathSpec {
  readonly name: DemoPathName;
  readonly title: string;
  /** How the relay delivers to the mailbox on this path. */
  readonly relayDelivery: string;
  readonly drawing: string;
}

export const PATHS: readonly DemoPathSpec[] = [
  {
    name: 'tls-everywhere',
    title: 'Every hop with verified TLS',
    relayDelivery: 'STARTTLS required, certificate verified (as under MTA-STS or DANE)',
    drawing: "you ─TLS→ submission ─TLS→ relay ─TLS→ recipient's mailbox → recipient",
  },
  {
    name: 'starttls-stripped',
    title: 'An attacker strips STARTTLS between relay and mailbox',
    relayDelivery: 'port-25 style: MX lookup, no MTA-STS policy, TLS only when offered',
    drawing: "you ─TLS→ submission ─TLS→ relay ─cleartext→ ATTACKER → recipient's mailbox",
  },
  {
    name: 'mta-sts-enforce',
    title: 'The same attacker, the recipient domain publishes MTA-STS (enforce)',
    relayDelivery: 'port-25 style, but the MTA-STS policy demands verified TLS',
    drawing: "you ─TLS→ submission ─TLS→ relay ─✗ refuses→ ATTACKER    recipient's mailbox",
  },
];

export const EXPLANATION =
  'Transport TLS is a courier who carries your letter sealed between two post offices, but every ' +
  'office opens it, reads it and seals it again for the next leg. End-to-end encryption is a ' +
  'letter you seal yourself that only the recipient can open; the offices still see the address ' +
  'on the envelope (sender, recipient, size), but not what is inside.';

export interface Protection {
  readonly name: string;
  readonly stops: string;
  readonly doesNotStop: string;
}

export const PROTECTIONS: readonly Protection[] = [
  {
    name: 'Opportunistic STARTTLS (port 25 by default)',
    stops: 'someone who only listens on the cable between two servers.',
    doesNotStop:
      'someone who can change the traffic: removing one line ("250-STARTTLS") makes the servers talk in cleartext, and neither side notices.',
  },
  {
    name: 'MTA-STS in enforce mode',
    stops:
      'that attack: the sending server learned over HTTPS that this domain always has TLS with a valid certificate, so it refuses to deliver without it. The message waits in its queue instead of leaking.',
    doesNotStop:
      'the servers themselves reading the message, a first delivery before the policy is known, or a domain that publishes no policy.',
  },
  {
    name: 'End-to-end encryption (OpenPGP, S/MIME)',
    stops:
      'every server and every attacker on every hop reading the body, the attachments and (with header protection) the subject, whatever the transport did.',
    doesNotStop:
      'anyone on the path seeing who wrote to whom, when and how much (sender, recipients, date, size), nor an attacker delaying or dropping the message.',
  },
];

/**
 * What each mail port is for (RFC 8314 §3.3 and §7.3, RFC 6409, RFC 3207, RFC 5321, IMAP/POP3
 * for reference). These facts are part of the product: reports and `sealpost probe` quote them.
 */

/** How TLS is started on a port. `opportunistic` is STARTTLS when offered (port 25 relay). */
export type PortTlsMode = 'implicit-tls' | 'starttls' | 'opportunistic';

export interface PortInfo {
  readonly port: number;
  /** The IANA service name, or `null` when the port has none (2525). */
  readonly service: string | null;
  readonly protocol: 'smtp' | 'imap' | 'pop3';
  readonly role: 'submission' | 'relay' | 'mail-access';
  readonly tls: PortTlsMode;
  /** True when the port is registered by a standard; false for provider conventions. */
  readonly standard: boolean;
  readonly rfcs: readonly string[];
  readonly explanation: string;
}

const entries: readonly PortInfo[] = [
  {
    port: 25,
    service: 'smtp',
    protocol: 'smtp',
    role: 'relay',
    tls: 'opportunistic',
    standard: true,
    rfcs: ['RFC 5321', 'RFC 3207', 'RFC 8461', 'RFC 7672'],
    explanation:
      'Port 25 is SMTP relay: one mail server (MTA) handing mail to the next (RFC 5321). It is not ' +
      'meant for mail clients, and many ISPs and cloud providers block it for end users. TLS there ' +
      'is STARTTLS (RFC 3207) and only opportunistic: without MTA-STS (RFC 8461) or DANE (RFC 7672) ' +
      'a network attacker can strip it and read or alter the message.',
  },
  {
    port: 465,
    service: 'submissions',
    protocol: 'smtp',
    role: 'submission',
    tls: 'implicit-tls',
    standard: true,
    rfcs: ['RFC 8314', 'RFC 6409'],
    explanation:
      'Port 465 is "submissions": message submission (RFC 6409) over implicit TLS, where the TLS ' +
      'handshake happens before any SMTP is spoken. RFC 8314 §3.3 recommends it in preference to ' +
      'STARTTLS, because nothing is ever exchanged in cleartext and there is no STARTTLS command ' +
      'to strip. It is not deprecated: only the old 1997 "smtps" registration of the port was ' +
      '(RFC 8314 §7.3), and it was re-registered for submission over TLS.',
  },
  {
    port: 587,
    service: 'submission',
    protocol: 'smtp',
    role: 'submission',
    tls: 'starttls',
    standard: true,
    rfcs: ['RFC 6409', 'RFC 3207', 'RFC 8314'],
    explanation:
      'Port 587 is "submission" (RFC 6409): the session starts in cleartext and is upgraded with ' +
      'STARTTLS (RFC 3207). It is not "SMTPS". It is still supported and common. A client must ' +
      'require STARTTLS here: if the server does not offer it or refuses it, the client stops and ' +
      'never authenticates or sends in cleartext (an attacker may have stripped it).',
  },
  {
    port: 2525,
    service: null,
    protocol: 'smtp',
    role: 'submission',
    tls: 'starttls',
    standard: false,
    rfcs: [],
    explanation:
      'Port 2525 has no standard at all: it is a provider convention for submission when 587 and ' +
      '465 are blocked by a network. sealpost treats it like 587 (STARTTLS required) unless told ' +
      'that it speaks implicit TLS.',
  },
  {
    port: 143,
    service: 'imap',
    protocol: 'imap',
    role: 'mail-access',
    tls: 'starttls',
    standard: true,
    rfcs: ['RFC 9051', 'RFC 8314'],
    explanation:
      'Port 143 is IMAP (RFC 9051) for reading mail, upgraded with STARTTLS. RFC 8314 prefers ' +
      'implicit TLS on port 993. sealpost does not use it; it is listed so probes can explain it.',
  },
  {
    port: 993,
    service: 'imaps',
    protocol: 'imap',
    role: 'mail-access',
    tls: 'implicit-tls',
    standard: true,
    rfcs: ['RFC 8314', 'RFC 9051'],
    explanation:
      'Port 993 is IMAP over implicit TLS (RFC 8314), the recommended way for clients to read mail. ' +
      'sealpost does not use it; it is listed so probes can explain it.',
  },
  {
    port: 110,
    service: 'pop3',
    protocol: 'pop3',
    role: 'mail-access',
    tls: 'starttls',
    standard: true,
    rfcs: ['RFC 1939', 'RFC 2595', 'RFC 8314'],
    explanation:
      'Port 110 is POP3 (RFC 1939) for downloading mail, upgraded with STLS (RFC 2595). RFC 8314 ' +
      'prefers implicit TLS on port 995. sealpost does not use it; it is listed for reference.',
  },
  {
    port: 995,
    service: 'pop3s',
    protocol: 'pop3',
    role: 'mail-access',
    tls: 'implicit-tls',
    standard: true,
    rfcs: ['RFC 8314', 'RFC 1939'],
    explanation:
      'Port 995 is POP3 over implicit TLS (RFC 8314). sealpost does not use it; it is listed for ' +
      'reference.',
  },
];

/** The mail ports sealpost knows, by number. */
export const PORTS: Readonly<Record<number, PortInfo>> = Object.freeze(
  Object.fromEntries(entries.map((entry) => [entry.port, Object.freeze(entry)])),
);

/** The one-paragraph explanation of a port, or a plain note when sealpost knows nothing of it. */
export function explainPort(port: number): string {
  const info = PORTS[port];
  if (info) return info.explanation;
  return (
    `Port ${port} is not a standard mail port. Unless told the mode, sealpost send listens first: ` +
    'a greeting in clear means STARTTLS (then required, as on 587), silence means implicit TLS.'
  );
}

import { defineCodes } from './entry.js';

/** Codes raised while finding and talking to an SMTP server (@sealpost/transport). */
export const TRANSPORT_CODES = defineCodes({
  ECONNREFUSED: {
    description: 'The server refused the TCP connection on that port.',
    action:
      'Check host and port; the port may be closed or blocked by a firewall. Try another submission port.',
    retry: 'transient',
    category: 'transport',
  },
  ETIMEDOUT: {
    description:
      'The server did not answer in time (the port may be filtered, or the server is overloaded).',
    action: 'Check that the port is not blocked on your network; retry later or raise the timeout.',
    retry: 'transient',
    category: 'transport',
  },
  ETLS_MODE_UNKNOWN: {
    description:
      'sealpost could not tell whether the port speaks implicit TLS or STARTTLS (it neither greeted in clear nor waited silently for TLS).',
    action:
      'Say which the server uses: --tls implicit or --tls starttls (see "sealpost probe HOST --port N").',
    retry: 'permanent',
    category: 'transport',
  },
  ECONNLOST: {
    description:
      'The server closed the connection before the message was transmitted (nothing was delivered).',
    action: 'Retry later; if it keeps happening the server may be limiting connections.',
    retry: 'transient',
    category: 'transport',
  },
  EUNREACHABLE: {
    description: 'The host name did not resolve, or the network could not reach the host.',
    action: 'Check the host name and your network connection.',
    retry: 'transient',
    category: 'transport',
  },
  ETLS: {
    description:
      'The TLS handshake failed (no common protocol version or cipher, or a broken peer).',
    action:
      'The server may only speak TLS older than 1.2; sealpost will not downgrade. Contact the server operator.',
    retry: 'permanent',
    category: 'transport',
  },
  ETLS_VERSION: {
    description:
      'The server only speaks a TLS version older than 1.2 (RFC 8996 deprecates TLS 1.0 and 1.1).',
    action:
      'sealpost will not downgrade below TLS 1.2. Ask the server operator to enable TLS 1.2 or 1.3.',
    retry: 'permanent',
    category: 'transport',
  },
  ETLS_CLEARTEXT: {
    description: 'An implicit-TLS port answered in cleartext instead of starting TLS.',
    action:
      'Use the STARTTLS port (587) or fix the port number; sealpost will not send over cleartext.',
    retry: 'permanent',
    category: 'transport',
  },
  ECERT_EXPIRED: {
    description: "The server's TLS certificate has expired.",
    action:
      'The link is not confidential (RFC 8314 §5.3). Ask the server operator to renew the certificate.',
    retry: 'permanent',
    category: 'transport',
  },
  ECERT_NOT_YET_VALID: {
    description: "The server's TLS certificate is not valid yet.",
    action: "Check this machine's clock; otherwise ask the server operator to fix the certificate.",
    retry: 'permanent',
    category: 'transport',
  },
  ECERT_HOSTNAME: {
    description: "The server's TLS certificate does not name the host you connected to.",
    action:
      'Connect using the host name the certificate was issued for, or ask the operator to fix it.',
    retry: 'permanent',
    category: 'transport',
  },
  ECERT_UNTRUSTED: {
    description: "The server's TLS certificate does not chain to a trusted CA (unknown issuer).",
    action:
      'If you trust this server, pass the CA that issued its certificate with --ca FILE ("sealpost probe HOST" shows the issuer).',
    retry: 'permanent',
    category: 'transport',
  },
  ECERT_SELF_SIGNED: {
    description: "The server's TLS certificate is self-signed and not trusted.",
    action:
      'If you trust this server, pass its certificate itself with --ca FILE ("sealpost probe HOST" shows it and its fingerprint).',
    retry: 'permanent',
    category: 'transport',
  },
  ECERT_PIN: {
    description: "The server's TLS certificate does not match the pinned SHA-256 fingerprint.",
    action:
      'Someone may be intercepting the connection, or the certificate was replaced: verify before re-pinning.',
    retry: 'permanent',
    category: 'transport',
  },
  ESTARTTLS: {
    description:
      'STARTTLS was required but the server did not offer it or refused it (possible stripping attack).',
    action:
      'Do not retry in cleartext. Use port 465 (implicit TLS) or contact the server operator.',
    retry: 'permanent',
    category: 'transport',
  },
  EPROTOCOL: {
    description: 'The server broke the SMTP protocol (unexpected or injected replies).',
    action:
      'The server or something on the path misbehaves; try again later or use another server.',
    retry: 'permanent',
    category: 'transport',
  },
  EAUTH: {
    description: 'The server rejected the login.',
    action:
      'Check the user name and the password (given via --password-env or a file, never argv).',
    retry: 'permanent',
    category: 'transport',
  },
  EAUTH_UNSUPPORTED: {
    description: 'The server offers no authentication mechanism sealpost supports, or none at all.',
    action:
      'Run "sealpost probe HOST" to see which AUTH mechanisms each port offers; if the server needs no login, leave out --user.',
    retry: 'permanent',
    category: 'transport',
  },
  ESMTPUTF8: {
    description:
      'The message needs SMTPUTF8 (RFC 6531: an address with a non-ASCII local part), and the server does not offer it.',
    action:
      'Use a submission server that offers SMTPUTF8, or an ASCII address for the sender and every recipient.',
    retry: 'permanent',
    category: 'transport',
  },
  ETOOBIG: {
    description:
      'The message is larger than the server takes: it announced a size limit (SIZE, RFC 1870) below the size of the message, which was refused before anything of it was sent.',
    action:
      'Send large files another way (a link to them), or use a server that takes larger messages; the error names the limit and the size.',
    retry: 'permanent',
    category: 'transport',
  },
  ERECIPIENT: {
    description: 'The server rejected one or more recipients.',
    action:
      'Check the rejected addresses in the report; nothing was sent when any recipient was refused.',
    retry: 'permanent',
    category: 'transport',
  },
  EREJECTED: {
    description: 'The server rejected the message permanently (5xx after DATA).',
    action:
      "Read the server's reply in the report (size limit, policy, spam filter) and change the message.",
    retry: 'permanent',
    category: 'transport',
  },
  ETEMPFAIL: {
    description: 'The server answered with a temporary failure (4xx).',
    action: 'Retry later; the worker does this with backoff.',
    retry: 'transient',
    category: 'transport',
  },
  EPERMFAIL: {
    description: 'The server answered with a permanent failure (5xx).',
    action: "Read the server's reply in the report; retrying the same thing will fail again.",
    retry: 'permanent',
    category: 'transport',
  },
  EAMBIGUOUS: {
    description:
      'The connection ended after the message was transmitted but before the server confirmed it.',
    action:
      'The message may or may not have been accepted: check the recipient side before sending again.',
    retry: 'ambiguous',
    category: 'transport',
  },
  ENOTRANSPORT: {
    description: 'No submission port of the host could be reached.',
    action: 'Run "sealpost probe HOST" to see each port; check the host name and your firewall.',
    retry: 'transient',
    category: 'transport',
  },
  EDNS: {
    description: 'A DNS lookup (SRV, MX, TXT) failed.',
    action: 'Check the domain name and your resolver; retry later if the failure is temporary.',
    retry: 'transient',
    category: 'transport',
  },
  EMTASTS: {
    description:
      "The recipient domain's MTA-STS policy (RFC 8461) forbids delivery over this connection.",
    action:
      'Do not bypass it; retry later (RFC 8461 §4.2: not a permanent failure before the policy is fetched again).',
    retry: 'transient',
    category: 'transport',
  },
  // --- Relay mode (direct delivery to the recipient domain's MX on port 25) -------------
  // Kept together at the end of the table; packages/transport/src/relay/ raises these.
  ENULLMX: {
    description: 'The recipient domain publishes a null MX (RFC 7505): it accepts no mail at all.',
    action: 'Check the recipient address; mail to this domain cannot be delivered.',
    retry: 'permanent',
    category: 'transport',
  },
  ENOMAILHOST: {
    description:
      'The recipient domain does not exist, or has neither MX nor address records (RFC 5321 §5.1).',
    action: 'Check the domain of the recipient address for typos.',
    retry: 'permanent',
    category: 'transport',
  },
  ENOMXREACHABLE: {
    description: "None of the recipient domain's mail servers (MX hosts) accepted a connection.",
    action:
      'Outbound port 25 is often blocked for end users and clouds; use a submission server, or retry later.',
    retry: 'transient',
    category: 'transport',
  },
  EOPPORTUNISTIC: {
    description:
      'Direct delivery could only use opportunistic TLS (no enforced MTA-STS policy), and that was not allowed.',
    action:
      'A network attacker could read or alter such a delivery. Allow it explicitly, or send through a submission server.',
    retry: 'permanent',
    category: 'policy',
  },
});

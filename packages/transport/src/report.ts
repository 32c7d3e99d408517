import type { PeerCertificate, TLSSocket } from 'node:tls';

/** How the link to the server was protected. */
export type TransportMode = 'implicit-tls' | 'starttls' | 'none';

/** The server certificate as the client saw it (never the private key, obviously). */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly subjectAltNames: readonly string[];
  readonly validFrom: string;
  readonly validTo: string;
  /** SHA-256 of the DER certificate, lower-case hex without separators. */
  readonly fingerprint256: string;
  readonly serialNumber: string;
}

/** What protected the link: the facts, not an opinion. */
export interface TlsReport {
  /** e.g. "TLSv1.3". */
  readonly version: string;
  /** e.g. "TLS_AES_256_GCM_SHA384". */
  readonly cipher: string;
  readonly alpn: string | null;
  readonly certificate: CertificateSummary | null;
  /**
   * `verified`: the chain reached a trusted CA and the host name matched (RFC 8314 §5.3 /
   * RFC 6125). `verified+pinned`: the same, and the SHA-256 pin matched too.
   */
  readonly validation: 'verified' | 'verified+pinned';
}

export interface RejectedRecipient {
  readonly address: string;
  readonly response: string;
}

export interface TransportTimings {
  /** From the start of send() (or of the connection, when it was opened for it) to TLS done. */
  readonly connectMs: number;
  readonly authMs: number;
  readonly envelopeMs: number;
  readonly dataMs: number;
  readonly totalMs: number;
}

/** The result of one accepted message: who carried it, how, and what the server said. */
export interface TransportReport {
  readonly transport: 'smtp' | 'stub' | 'file';
  readonly host: string;
  readonly port: number;
  readonly mode: TransportMode;
  readonly tls: TlsReport | null;
  /** The SASL mechanism used (e.g. "PLAIN") and the user name; never the secret. */
  readonly auth: { readonly mechanism: string; readonly user: string } | null;
  /** EHLO keywords the server offered on the protected session, e.g. ["PIPELINING", "SIZE"]. */
  readonly capabilities: readonly string[];
  readonly accepted: readonly string[];
  /** Empty unless `partialDelivery` was chosen: by default a rejection fails the message. */
  readonly rejected: readonly RejectedRecipient[];
  /** The server's reply to the end of DATA, e.g. "250 2.0.0 Ok: queued as 4Xk2". */
  readonly response: string;
  readonly queueId: string | null;
  readonly messageSize: number;
  /** True when the message went over a connection that had already carried one (pooling). */
  readonly reusedConnection: boolean;
  readonly timings: TransportTimings;
  /** Where a FileTransport wrote the message. */
  readonly file?: string;
}

function distinguishedName(entity: Record<string, string | string[]> | undefined): string {
  if (!entity) return '';
  return Object.entries(entity)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

/** "AB:CD:…" → "abcd…". */
export function normaliseFingerprint(value: string): string {
  return value.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
}

export function summariseCertificate(cert: PeerCertificate): CertificateSummary | null {
  if (!cert?.raw) return null;
  return {
    subject: distinguishedName(cert.subject as unknown as Record<string, string>),
    issuer: distinguishedName(cert.issuer as unknown as Record<string, string>),
    subjectAltNames: (cert.subjectaltname ?? '').split(/,\s*/).filter((name) => name.length > 0),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    fingerprint256: normaliseFingerprint(cert.fingerprint256),
    serialNumber: cert.serialNumber,
  };
}

/** Reads version, cipher and certificate from a connected TLS socket. */
export function describeTlsSocket(socket: TLSSocket, pinned: boolean): TlsReport {
  return {
    version: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
    certificate: summariseCertificate(socket.getPeerCertificate()),
    validation: pinned ? 'verified+pinned' : 'verified',
  };
}

/** The queue id from a final reply such as "250 2.0.0 Ok: queued as 4Xk2" or "250 OK id=1a2b". */
export function parseQueueId(response: string): string | null {
  const match =
    /queued as ([A-Za-z0-9._@<>-]+)/i.exec(response) ??
    /\bid=([A-Za-z0-9._@<>-]+)/i.exec(response) ??
    /^250 [0-9.]+ (?:OK|Ok|Accepted|Message accepted)[: ]+<?([A-Za-z0-9._@-]{6,})>?\s*$/.exec(
      response,
    );
  return match?.[1] ?? null;
}

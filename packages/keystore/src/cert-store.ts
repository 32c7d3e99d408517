/**
 * The local S/MIME certificate store: one PEM certificate per file (`certs/<SHA-256>.pem`) and
 * an `index.json` by SHA-256 fingerprint and e-mail address (RFC 8550 §3: subjectAltName
 * rfc822Name, then the subject's emailAddress). Certificates the user marks as trust anchors
 * (`role: 'anchor'`) are the CAs that recipient certificates must chain to (decision 0051).
 * Public certificates only: private keys never enter the store. pkijs is loaded only by the
 * operations that parse or write certificates.
 */
import type * as Smime from '@sealpost/smime';
import { isCaCertificate } from './ca-certificate.js';
import type { KeyFileCache } from './key-file-cache.js';
import { StoreDirectory } from './store-directory.js';

/** `anchor`: a CA the user trusts; `certificate`: a recipient's (or an intermediate) certificate. */
export type CertRole = 'anchor' | 'certificate';

export interface CertSource {
  readonly kind: 'file' | 'message' | 'manual';
  /** File path or message the certificate came from. */
  readonly location?: string;
  /** When it was imported (ISO 8601). */
  readonly obtainedAt: string;
}

export interface CertStoreEntry {
  /** SHA-256 of the DER encoding, lower-case hex. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly issuer: string;
  /** Lower-cased e-mail addresses the certificate names. */
  readonly emails: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly role: CertRole;
  readonly source: CertSource;
}

const LAYOUT = {
  items: 'certs',
  extension: '.pem',
  indexKey: 'certs',
  fingerprint: /^[0-9a-f]{64}$/,
  label: 'certificate store',
} as const;

function normalise(fingerprint: string): string {
  return fingerprint.replace(/[\s:]+/g, '').toLowerCase();
}

export class CertStore {
  private constructor(
    private readonly store: StoreDirectory<CertStoreEntry>,
    private readonly cache?: KeyFileCache,
  ) {}

  get directory(): string {
    return this.store.directory;
  }

  /**
   * Opens (creating if needed) the store in `directory`. With a `cache`, stored certificates
   * are parsed once per file version (see Keyring.open).
   */
  static async open(directory: string, options: { cache?: KeyFileCache } = {}): Promise<CertStore> {
    return new CertStore(
      await StoreDirectory.open<CertStoreEntry>(directory, LAYOUT),
      options.cache,
    );
  }

  /** Adds a certificate (or changes its role when it is already stored). */
  async add(
    cert: Smime.SmimeCertificate,
    role: CertRole,
    source: CertSource,
  ): Promise<CertStoreEntry> {
    const smime = await import('@sealpost/smime');
    const fingerprint = await smime.certificateFingerprint(cert);
    const entry: CertStoreEntry = {
      fingerprint,
      subject: cert.subject,
      issuer: cert.issuer,
      emails: [...new Set(cert.addresses.map((a) => a.trim().toLowerCase()))],
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      role,
      source,
    };
    await this.store.put(fingerprint, smime.exportCertificatePem(cert), entry);
    return entry;
  }

  list(): CertStoreEntry[] {
    return this.store.list();
  }

  /** The stored certificate with this SHA-256 fingerprint (hex, colons and case ignored). */
  async get(fingerprint: string): Promise<Smime.SmimeCertificate | undefined> {
    const fp = normalise(fingerprint);
    if (!this.store.entry(fp)) return undefined;
    const parse = async () => {
      const pem = await this.store.readItem(
        fp,
        `import it again or remove it ("sealpost certs remove ${fp}")`,
      );
      const smime = await import('@sealpost/smime');
      return smime.readCertificate(pem);
    };
    return this.cache ? this.cache.read(this.store.itemPath(fp), 'certificate', parse) : parse();
  }

  /** Entries naming this address (case-insensitive), anchors excluded. */
  findByEmail(address: string): CertStoreEntry[] {
    const wanted = address.trim().toLowerCase();
    return this.list().filter((e) => e.role === 'certificate' && e.emails.includes(wanted));
  }

  /** Recipient certificates naming this address, with their index entries. */
  async certificatesForEmail(
    address: string,
  ): Promise<{ certificate: Smime.SmimeCertificate; entry: CertStoreEntry }[]> {
    const out: { certificate: Smime.SmimeCertificate; entry: CertStoreEntry }[] = [];
    for (const entry of this.findByEmail(address)) {
      const certificate = await this.get(entry.fingerprint);
      if (certificate) out.push({ certificate, entry });
    }
    return out;
  }

  /** The CA certificates the user imported as trust anchors. */
  async trustAnchors(): Promise<Smime.SmimeCertificate[]> {
    return this.certificatesWithRole('anchor');
  }

  /** Non-anchor CA certificates: offered to chain building as (untrusted) intermediates. */
  async intermediates(): Promise<Smime.SmimeCertificate[]> {
    return (await this.certificatesWithRole('certificate')).filter(isCaCertificate);
  }

  async remove(fingerprint: string): Promise<boolean> {
    return this.store.delete(normalise(fingerprint));
  }

  private async certificatesWithRole(role: CertRole): Promise<Smime.SmimeCertificate[]> {
    const out: Smime.SmimeCertificate[] = [];
    for (const entry of this.list()) {
      if (entry.role !== role) continue;
      const cert = await this.get(entry.fingerprint);
      if (cert) out.push(cert);
    }
    return out;
  }
}

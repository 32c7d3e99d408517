/**
 * The local S/MIME certificate store: one PEM certificate per file (`certs/<SHA-256>.pem`) and
 * an `index.json` by SHA-256 fingerprint and e-mail address (RFC 8550 §3: subjectAltName
 * rfc822Name, then the subject's emailAddress). Certificates the user marks as trust anchors
 * (`role: 'anchor'`) are the CAs that recipient certificates must chain to (decision 0051).
 * Public certificates only: private keys never enter the store. Node-only, like pgp's Keyring.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SealpostError } from '@sealpost/errors';
import * as smime from '@sealpost/smime';

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

interface IndexFile {
  readonly version: 1;
  readonly certs: Record<string, CertStoreEntry>;
}

const FINGERPRINT = /^[0-9a-f]{64}$/;
const BASIC_CONSTRAINTS = '2.5.29.19';

/** True for a CA certificate (RFC 5280 §4.2.1.9 basicConstraints cA): chain material only. */
export function isCaCertificate(cert: smime.SmimeCertificate): boolean {
  const ext = cert.pkijs.extensions?.find((e) => e.extnID === BASIC_CONSTRAINTS);
  return (ext?.parsedValue as { cA?: boolean } | undefined)?.cA === true;
}

export class CertStore {
  private constructor(
    readonly directory: string,
    private index: IndexFile,
  ) {}

  /** Opens (creating if needed) the store in `directory`. */
  static async open(directory: string): Promise<CertStore> {
    try {
      await mkdir(join(directory, 'certs'), { recursive: true, mode: 0o700 });
    } catch (cause) {
      throw new SealpostError('EIO', `The certificate store ${directory} cannot be created.`, {
        cause,
      });
    }
    let index: IndexFile = { version: 1, certs: {} };
    try {
      const parsed = JSON.parse(await readFile(join(directory, 'index.json'), 'utf8')) as IndexFile;
      if (parsed.version !== 1 || typeof parsed.certs !== 'object' || parsed.certs === null) {
        throw new Error('unknown index version');
      }
      index = parsed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new SealpostError(
          'EIO',
          `The certificate store index in ${directory} cannot be read.`,
          { cause: err },
        );
      }
    }
    return new CertStore(directory, index);
  }

  /** Adds a certificate (or changes its role when it is already stored). */
  async add(
    cert: smime.SmimeCertificate,
    role: CertRole,
    source: CertSource,
  ): Promise<CertStoreEntry> {
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
    await this.writeAtomically(this.certPath(fingerprint), smime.exportCertificatePem(cert));
    this.index = { version: 1, certs: { ...this.index.certs, [fingerprint]: entry } };
    await this.saveIndex();
    return entry;
  }

  list(): CertStoreEntry[] {
    return Object.values(this.index.certs);
  }

  /** The stored certificate with this SHA-256 fingerprint (hex, colons and case ignored). */
  async get(fingerprint: string): Promise<smime.SmimeCertificate | undefined> {
    const fp = fingerprint.replace(/[\s:]+/g, '').toLowerCase();
    if (!FINGERPRINT.test(fp) || !this.index.certs[fp]) return undefined;
    let pem: string;
    try {
      pem = await readFile(this.certPath(fp), 'utf8');
    } catch (cause) {
      throw new SealpostError('EIO', `The stored certificate ${fp} cannot be read.`, { cause });
    }
    return smime.readCertificate(pem);
  }

  /** Entries naming this address (case-insensitive), anchors excluded. */
  findByEmail(address: string): CertStoreEntry[] {
    const wanted = address.trim().toLowerCase();
    return this.list().filter((e) => e.role === 'certificate' && e.emails.includes(wanted));
  }

  /** Recipient certificates naming this address, with their index entries. */
  async certificatesForEmail(
    address: string,
  ): Promise<{ certificate: smime.SmimeCertificate; entry: CertStoreEntry }[]> {
    const out: { certificate: smime.SmimeCertificate; entry: CertStoreEntry }[] = [];
    for (const entry of this.findByEmail(address)) {
      const certificate = await this.get(entry.fingerprint);
      if (certificate) out.push({ certificate, entry });
    }
    return out;
  }

  /** The CA certificates the user imported as trust anchors. */
  async trustAnchors(): Promise<smime.SmimeCertificate[]> {
    return this.certificatesWithRole('anchor');
  }

  /** Non-anchor CA certificates: offered to chain building as (untrusted) intermediates. */
  async intermediates(): Promise<smime.SmimeCertificate[]> {
    return (await this.certificatesWithRole('certificate')).filter(isCaCertificate);
  }

  async remove(fingerprint: string): Promise<boolean> {
    const fp = fingerprint.replace(/[\s:]+/g, '').toLowerCase();
    if (!FINGERPRINT.test(fp) || !this.index.certs[fp]) return false;
    const { [fp]: _removed, ...rest } = this.index.certs;
    this.index = { version: 1, certs: rest };
    await this.saveIndex();
    await rm(this.certPath(fp), { force: true });
    return true;
  }

  private async certificatesWithRole(role: CertRole): Promise<smime.SmimeCertificate[]> {
    const out: smime.SmimeCertificate[] = [];
    for (const entry of this.list()) {
      if (entry.role !== role) continue;
      const cert = await this.get(entry.fingerprint);
      if (cert) out.push(cert);
    }
    return out;
  }

  private certPath(fingerprint: string): string {
    if (!FINGERPRINT.test(fingerprint)) {
      throw new SealpostError('EINTERNAL', 'A store path was asked for a malformed fingerprint.');
    }
    return join(this.directory, 'certs', `${fingerprint}.pem`);
  }

  private saveIndex(): Promise<void> {
    return this.writeAtomically(
      join(this.directory, 'index.json'),
      `${JSON.stringify(this.index, null, 2)}\n`,
    );
  }

  /** Write then rename, so a crash never leaves a half-written certificate or index. */
  private async writeAtomically(path: string, data: string): Promise<void> {
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(temp, data, { mode: 0o600 });
      await rename(temp, path);
    } catch (cause) {
      await rm(temp, { force: true });
      throw new SealpostError('EIO', `The certificate store file ${path} cannot be written.`, {
        cause,
      });
    }
  }
}

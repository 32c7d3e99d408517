/**
 * `certs check`: runs the checks `send` runs on a recipient's (or sender's) certificate —
 * chain to a trust anchor (RFC 5280 §6), dates, key usage, address (RFC 8550 §3), strength —
 * on the stored certificates for an address or on one file, and gives each verdict with its
 * chain or its error code.
 */
import { isSealpostError, quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Smime from '@sealpost/smime';
import { withAnchorHint } from './anchor-hint.js';
import { isCaCertificate } from './ca-certificate.js';
import type { CertStore } from './cert-store.js';
import { readRecipientKeyFile } from './recipient-key-file.js';
import { readTrustAnchors } from './trust-anchors.js';

/** One verdict: the checkCertificate result and, when it passed, the chain. */
export interface CertCheckRow {
  readonly fingerprint: string;
  readonly subject: string;
  readonly from: 'certstore' | 'file';
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
  /** Leaf first, trust anchor last (only when ok). */
  readonly chain: readonly { readonly subject: string; readonly fingerprint: string }[];
}

export interface CheckCertificatesOptions {
  readonly purpose: 'encrypt' | 'sign';
  /** Check this file's first certificate (the rest is chain material) instead of the store's. */
  readonly certFile?: string;
  /** Trust these too, for this check only. */
  readonly anchorFiles?: readonly string[];
  readonly cwd?: string;
  readonly now?: Date;
}

export async function checkCertificates(
  store: CertStore,
  address: string,
  options: CheckCertificatesOptions,
): Promise<{ readonly anchors: number; readonly results: CertCheckRow[] }> {
  const cwd = options.cwd ? { cwd: options.cwd } : {};
  const anchors = [
    ...(await store.trustAnchors()),
    ...(await readTrustAnchors(options.anchorFiles ?? [], cwd)),
  ];
  const intermediates = await store.intermediates();
  const candidates: { cert: Smime.SmimeCertificate; from: CertCheckRow['from'] }[] = [];
  if (options.certFile) {
    const contents = await readRecipientKeyFile(options.certFile, cwd);
    const [first, ...rest] = contents.certificates;
    if (!first) {
      throw new SealpostError(
        'EKEY_FILE',
        `${quoteUntrusted(options.certFile)} holds no X.509 certificate.`,
        { details: { file: options.certFile } },
      );
    }
    candidates.push({ cert: first, from: 'file' });
    intermediates.push(...rest.filter(isCaCertificate));
  } else {
    for (const { certificate } of await store.certificatesForEmail(address)) {
      candidates.push({ cert: certificate, from: 'certstore' });
    }
  }
  const smime = await import('@sealpost/smime');
  const results: CertCheckRow[] = [];
  for (const { cert, from } of candidates) {
    const fingerprint = await smime.certificateFingerprint(cert);
    const base = { fingerprint, subject: cert.subject, from };
    try {
      const { chain } = await smime.checkCertificate(cert, {
        purpose: options.purpose,
        address,
        trustAnchors: anchors,
        intermediates,
        ...(options.now ? { now: options.now } : {}),
      });
      const links = await Promise.all(
        chain.map(async (c) => ({
          subject: c.subject,
          fingerprint: await smime.certificateFingerprint(c),
        })),
      );
      results.push({ ...base, ok: true, chain: links });
    } catch (err) {
      if (!isSealpostError(err)) throw err;
      const message = withAnchorHint(err.code, err.message);
      results.push({ ...base, ok: false, code: err.code, message, chain: [] });
    }
  }
  return { anchors: anchors.length, results };
}

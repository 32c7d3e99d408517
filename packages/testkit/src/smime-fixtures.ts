/** S/MIME test fixtures: PKCS#12 files made by `openssl pkcs12 -export` from test-CA certificates. */
import { openssl, tempFiles } from './openssl.js';
import type { IssuedCertificate, TestCa } from './test-ca.js';

/**
 * A .p12 of the certificate, its key and the CA certificate, as OpenSSL 3 writes it by
 * default (PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC). `legacy` uses the old
 * 3DES/RC2 + SHA-1 algorithms that older clients export.
 */
export async function exportPkcs12(
  issued: IssuedCertificate,
  ca: TestCa,
  password: string,
  options: { legacy?: boolean } = {},
): Promise<Uint8Array> {
  const files = await tempFiles('sealpost-p12-');
  try {
    const cert = await files.write('cert.pem', issued.certPem);
    const key = await files.write('key.pem', issued.keyPem);
    const chain = await files.write('ca.pem', ca.certPem);
    const pass = await files.write('pass.txt', password);
    const legacy = options.legacy
      ? ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']
      : [];
    const out = await openssl([
      'pkcs12',
      '-export',
      '-in',
      cert,
      '-inkey',
      key,
      '-certfile',
      chain,
      '-passout',
      `file:${pass}`,
      ...legacy,
    ]);
    return new Uint8Array(out);
  } finally {
    await files.dispose();
  }
}

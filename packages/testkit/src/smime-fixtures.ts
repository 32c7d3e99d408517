/**
 * S/MIME test fixtures: PKCS#12 files made by `openssl pkcs12 -export` from test-CA
 * certificates, and Ed25519/X25519 certificates issued with `openssl x509`.
 */
import { openssl, tempFiles } from './openssl.js';
import type { IssuedCertificate, TestCa } from './test-ca.js';

/**
 * A .p12 of the certificate, its key and the CA certificate, as OpenSSL 3 writes it by
 * default (PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC). `legacy` uses the old
 * 3DES + SHA-1 algorithms that older clients export; `legacy: 'rc2'` is `openssl pkcs12
 * -legacy` (certificates under 40-bit RC2, the key under 3DES), what gpgsm and old tools write.
 */
export async function exportPkcs12(
  issued: Pick<IssuedCertificate, 'certPem' | 'keyPem'>,
  ca: TestCa,
  password: string,
  options: { legacy?: boolean | 'rc2' } = {},
): Promise<Uint8Array> {
  const files = await tempFiles('sealpost-p12-');
  try {
    const cert = await files.write('cert.pem', issued.certPem);
    const key = await files.write('key.pem', issued.keyPem);
    const chain = await files.write('ca.pem', ca.certPem);
    const pass = await files.write('pass.txt', password);
    const legacy =
      options.legacy === 'rc2'
        ? ['-legacy']
        : options.legacy
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

/** An RFC 8410 key certificate issued by the test CA with `openssl x509` (PEM). */
export interface OpensslIssued {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * An e-mail certificate for an Ed25519 (signing, RFC 8419) or X25519 (key agreement, RFC 8418)
 * key, issued by `ca` (the test CA, or an Ed25519 CA from `ed25519TestCa`) with openssl: the
 * throwaway CA's Web Crypto path has no RFC 8410 keys.
 * X25519 cannot sign its own request, so the public key is forced into a request of a helper key.
 */
export async function issueRfc8410Certificate(
  ca: Pick<TestCa, 'certPem' | 'keyPem'>,
  address: string,
  algorithm: 'ed25519' | 'x25519',
): Promise<OpensslIssued> {
  const files = await tempFiles('sealpost-rfc8410-');
  try {
    const caCert = await files.write('ca.pem', ca.certPem);
    const caKey = await files.write('ca.key', ca.keyPem);
    const key = await files.write('leaf.key', await openssl(['genpkey', '-algorithm', algorithm]));
    const pub = await files.write('leaf.pub', await openssl(['pkey', '-in', key, '-pubout']));
    const helper = await files.write(
      'helper.key',
      await openssl(['genpkey', '-algorithm', 'ed25519']),
    );
    const usage = algorithm === 'ed25519' ? 'digitalSignature,nonRepudiation' : 'keyAgreement';
    const ext = await files.write(
      'ext.cnf',
      [
        'basicConstraints=critical,CA:FALSE',
        `keyUsage=critical,${usage}`,
        'extendedKeyUsage=emailProtection',
        `subjectAltName=email:${address}`,
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid',
        '',
      ].join('\n'),
    );
    const csr = await files.write(
      'leaf.csr',
      await openssl(['req', '-new', '-key', helper, '-subj', `/CN=${address}`]),
    );
    const cert = await openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-force_pubkey',
      pub,
      '-CA',
      caCert,
      '-CAkey',
      caKey,
      '-set_serial',
      `0x${[...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('')}`,
      '-days',
      '30',
      '-extfile',
      ext,
    ]);
    return { certPem: cert.toString(), keyPem: (await openssl(['pkey', '-in', key])).toString() };
  } finally {
    await files.dispose();
  }
}

/** A self-signed Ed25519 CA (like RFC 9216's "Sample LAMPS Ed25519 CA"), made with openssl. */
export async function ed25519TestCa(name = 'sealpost Ed25519 Test CA'): Promise<OpensslIssued> {
  const files = await tempFiles('sealpost-ed25519-ca-');
  try {
    const key = await files.write('ca.key', await openssl(['genpkey', '-algorithm', 'ed25519']));
    const cert = await openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      key,
      '-subj',
      `/CN=${name}`,
      '-days',
      '30',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return { certPem: cert.toString(), keyPem: (await openssl(['pkey', '-in', key])).toString() };
  } finally {
    await files.dispose();
  }
}

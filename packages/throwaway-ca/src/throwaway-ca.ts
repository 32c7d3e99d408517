/**
 * A throwaway certificate authority for the demo and for tests: TLS server certificates
 * (RFC 5280 with serverAuth) and S/MIME certificates (RFC 8550 with emailProtection and an
 * rfc822Name), RSA or EC, with any validity window so expiry cases can be tested.
 * Built on @peculiar/x509 over Web Crypto; nothing here is for production use.
 */
// @peculiar/x509 resolves its algorithms through tsyringe, which needs this polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export type CaKeyType = 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'rsa-1024' | 'ec-p256' | 'ec-p384';

export interface IssuedCertificate {
  /** The leaf certificate, PEM. */
  readonly certPem: string;
  /** The leaf certificate, DER. */
  readonly certDer: Uint8Array;
  /** The private key, PKCS#8 PEM (unencrypted: demo and test material only). */
  readonly keyPem: string;
  /** The private key, PKCS#8 DER. */
  readonly keyDer: Uint8Array;
  /** Leaf then issuer, PEM, as a TLS server presents it. */
  readonly chainPem: string;
  /** SHA-256 fingerprint of the DER certificate, lower-case hex without separators. */
  readonly fingerprint256: string;
  readonly certificate: x509.X509Certificate;
}

export interface IssueOptions {
  /** Common name of the subject. */
  readonly commonName: string;
  readonly keyType?: CaKeyType;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly emails?: readonly string[];
  /** Put the first e-mail also into the subject as emailAddress (old S/MIME style). */
  readonly subjectEmail?: string;
  readonly extendedKeyUsages?: readonly string[];
  readonly keyUsages?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Self-sign instead of signing with this CA (the "unknown issuer" case). */
  readonly selfSigned?: boolean;
}

const DAY = 24 * 60 * 60 * 1000;

function algorithmFor(keyType: CaKeyType): RsaHashedKeyGenParams | EcKeyGenParams {
  switch (keyType) {
    case 'ec-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ec-p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    default: {
      const bits = Number(keyType.slice(4));
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: bits,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
    }
  }
}

function signingAlgorithm(keys: CryptoKeyPair): Algorithm | EcdsaParams {
  return keys.privateKey.algorithm.name === 'ECDSA'
    ? ({ name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams)
    : { name: 'RSASSA-PKCS1-v1_5' };
}

export async function generateCaKeyPair(keyType: CaKeyType): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(algorithmFor(keyType), true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

function toPem(der: Uint8Array, label: string): string {
  return x509.PemConverter.encode(
    der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer,
    label,
  );
}

async function sha256Hex(der: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ThrowawayCa {
  private constructor(
    readonly name: string,
    readonly certificate: x509.X509Certificate,
    private readonly keys: CryptoKeyPair,
    readonly keyPem: string,
  ) {}

  static async create(
    options: { name?: string; keyType?: CaKeyType; notAfter?: Date } = {},
  ): Promise<ThrowawayCa> {
    const name = options.name ?? 'sealpost Test CA';
    const keys = await generateCaKeyPair(options.keyType ?? 'ec-p256');
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      name: `CN=${name}, O=sealpost tests (not for production)`,
      keys,
      notBefore: new Date(Date.now() - DAY),
      notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY),
      signingAlgorithm: signingAlgorithm(keys),
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    return new ThrowawayCa(name, certificate, keys, toPem(pkcs8, 'PRIVATE KEY'));
  }

  get certPem(): string {
    return this.certificate.toString('pem');
  }

  get certDer(): Uint8Array {
    return new Uint8Array(this.certificate.rawData);
  }

  /** Issues any certificate; the helpers below fill in TLS and S/MIME profiles. */
  async issue(options: IssueOptions): Promise<IssuedCertificate> {
    const keys = await generateCaKeyPair(options.keyType ?? 'ec-p256');
    const names: x509.JsonGeneralName[] = [
      ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
      ...(options.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ];
    const subject = options.subjectEmail
      ? `CN=${options.commonName}, E=${options.subjectEmail}`
      : `CN=${options.commonName}`;
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ];
    if (options.keyUsages !== undefined) {
      extensions.push(new x509.KeyUsagesExtension(options.keyUsages, true));
    }
    if (options.extendedKeyUsages?.length) {
      extensions.push(new x509.ExtendedKeyUsageExtension([...options.extendedKeyUsages], false));
    }
    if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));

    const notBefore = options.notBefore ?? new Date(Date.now() - DAY);
    const notAfter = options.notAfter ?? new Date(Date.now() + 90 * DAY);
    const certificate = options.selfSigned
      ? await x509.X509CertificateGenerator.createSelfSigned({
          name: subject,
          keys,
          notBefore,
          notAfter,
          extensions,
          signingAlgorithm: signingAlgorithm(keys),
        })
      : await x509.X509CertificateGenerator.create({
          subject,
          issuer: this.certificate.subject,
          publicKey: keys.publicKey,
          signingKey: this.keys.privateKey,
          notBefore,
          notAfter,
          signingAlgorithm: signingAlgorithm(this.keys),
          extensions: [
            ...extensions,
            await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey),
          ],
        });

    const certDer = new Uint8Array(certificate.rawData);
    const keyDer = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    const certPem = certificate.toString('pem');
    return {
      certPem,
      certDer,
      keyPem: toPem(keyDer, 'PRIVATE KEY'),
      keyDer,
      chainPem: options.selfSigned ? `${certPem}\n` : `${certPem}\n${this.certPem}\n`,
      fingerprint256: await sha256Hex(certDer),
      certificate,
    };
  }

  /** A TLS server certificate for loopback: localhost, 127.0.0.1 and ::1 unless told otherwise. */
  issueServerCertificate(
    options: Partial<IssueOptions> & { hosts?: readonly string[] } = {},
  ): Promise<IssuedCertificate> {
    const hosts = options.hosts ?? ['localhost', '127.0.0.1', '::1'];
    const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');
    return this.issue({
      commonName: hosts[0] ?? 'localhost',
      dnsNames: hosts.filter((h) => !isIp(h)),
      ipAddresses: hosts.filter(isIp),
      extendedKeyUsages: [x509.ExtendedKeyUsage.serverAuth],
      keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      ...options,
    });
  }

  /**
   * An S/MIME certificate for one address (RFC 8550 §3: rfc822Name in subjectAltName,
   * emailProtection EKU). RSA keys get signature + key encipherment, EC keys signature +
   * key agreement (ECDH), as S/MIME clients expect.
   */
  issueEmailCertificate(
    address: string,
    options: Partial<IssueOptions> = {},
  ): Promise<IssuedCertificate> {
    const keyType = options.keyType ?? 'rsa-2048';
    const usage = keyType.startsWith('ec')
      ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement
      : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
    return this.issue({
      commonName: address,
      emails: [address],
      extendedKeyUsages: [x509.ExtendedKeyUsage.emailProtection],
      keyUsages: usage,
      ...options,
      keyType,
    });
  }
}

/**
 * Verifying SignedData (RFC 5652 §5.6): each signer's signature and messageDigest (via pkijs),
 * the contentType attribute, then the signer certificate with checkCertificate (chain to a
 * trust anchor, dates, usage). A signer is 'valid' only if all of these pass.
 */
import { type ErrorCode, SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes.js';
import { fromPkijsCertificate, type SmimeCertificate } from '../certificate.js';
import { checkCertificate } from '../check-certificate.js';
import { cryptoEngine } from '../engine.js';
import { OID } from '../oids.js';
import { parseBer } from './der.js';
import { isEd25519Signer, verifyEd25519Signer } from './ed25519-signature.js';
import {
  type ContentDigest,
  checkSignersAgree,
  digestsOf,
  signedContent,
} from './signed-content.js';
import { type SignerOutcome, verifySignerDigest } from './verify-signer-digest.js';

export interface VerifyCmsOptions {
  /**
   * The signed bytes of a detached signature (multipart/signed first part, as received).
   * Given: the SignedData must have no eContent; absent: it must carry a non-empty one.
   */
  readonly detachedContent?: Uint8Array;
  readonly trustAnchors: readonly SmimeCertificate[];
  /** Time for the certificate checks; default now. */
  readonly now?: Date;
  /** Address the signer certificate must name (RFC 8550 §3: the From address). */
  readonly signerAddress?: string;
  readonly crypto?: Crypto;
}

export interface SignerResult {
  readonly status: 'valid' | 'invalid';
  /** Why it is invalid: ESMIME_SIGNATURE_INVALID, ESMIME_CERT_UNTRUSTED, …_EXPIRED, …_ADDRESS, … */
  readonly error?: SealpostError;
  readonly certificate?: SmimeCertificate;
  /** Leaf to trust anchor, when the chain validated. */
  readonly chain?: readonly SmimeCertificate[];
  readonly signingTime?: Date;
}

export interface VerifiedCms {
  /** The signed content (the eContent for opaque, the given bytes for detached). */
  readonly content: Uint8Array;
  readonly signers: readonly SignerResult[];
}

const STRONG_DIGESTS = new Set<string>([OID.sha256, OID.sha384, OID.sha512]);

function attributeValue(signer: pkijs.SignerInfo, type: string): asn1js.AsnType | undefined {
  return signer.signedAttrs?.attributes.find((a) => a.type === type)?.values[0];
}

function signingTimeOf(signer: pkijs.SignerInfo): Date | undefined {
  const value = attributeValue(signer, OID.signingTimeAttr);
  if (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime)
    return value.toDate();
  return undefined;
}

function invalid(
  code: ErrorCode,
  message: string,
  extra: Omit<SignerResult, 'status' | 'error'> = {},
  cause?: unknown,
): SignerResult {
  return {
    status: 'invalid',
    error: new SealpostError(code, message, cause ? { cause } : {}),
    ...extra,
  };
}

export function parseSignedData(bytes: Uint8Array): pkijs.SignedData {
  try {
    const info = new pkijs.ContentInfo({ schema: parseBer(bytes) });
    if (info.contentType !== OID.signedData) throw new Error(`content type ${info.contentType}`);
    return new pkijs.SignedData({ schema: info.content });
  } catch (cause) {
    throw new SealpostError('ESMIME_FORMAT', 'The signature is not a CMS SignedData structure.', {
      cause,
    });
  }
}

/** The signed content: its bytes in memory, or (streamed) only its digests. */
export interface SignedBytes {
  readonly content?: Uint8Array;
  readonly digestOf: ContentDigest;
}

/** pkijs's verdict on one RSA/ECDSA signer over content in memory. */
async function verifyWithPkijs(
  signedData: pkijs.SignedData,
  index: number,
  content: Uint8Array,
  certificates: readonly SmimeCertificate[],
  crypto: Crypto | undefined,
): Promise<{ outcome: SignerOutcome; certificate?: SmimeCertificate; cause?: unknown }> {
  try {
    const result = await signedData.verify(
      { signer: index, data: toArrayBuffer(content), extendedMode: true, checkChain: false },
      cryptoEngine(crypto),
    );
    const found = result.signerCertificate!;
    const certificate = certificates.find((c) => c.pkijs === found) ?? fromPkijsCertificate(found);
    return {
      outcome: result.signatureVerified === true ? 'verified' : 'bad-signature',
      certificate,
    };
  } catch (cause) {
    const found = (cause as pkijs.SignedDataVerifyError).signerCertificate;
    if (!found) return { outcome: 'no-certificate', cause };
    return { outcome: 'mismatch', certificate: fromPkijsCertificate(found), cause };
  }
}

async function verifySigner(
  signedData: pkijs.SignedData,
  index: number,
  signed: SignedBytes,
  certificates: readonly SmimeCertificate[],
  options: VerifyCmsOptions,
): Promise<SignerResult> {
  const signer = signedData.signerInfos[index]!;
  const signingTime = signingTimeOf(signer);
  const base = signingTime ? { signingTime } : {};
  if (!STRONG_DIGESTS.has(signer.digestAlgorithm.algorithmId)) {
    // RFC 8551 §2.1: SHA-1 (and MD5) signatures are no longer trustworthy for new messages.
    return invalid(
      'ESMIME_SIGNATURE_INVALID',
      `The signature uses a weak or unknown digest (${signer.digestAlgorithm.algorithmId}).`,
      base,
    );
  }
  if (isEd25519Signer(signer)) {
    const result = await verifyEd25519Signer(
      signer,
      signed,
      certificates,
      options.crypto ?? globalThis.crypto,
    );
    const extra = result.certificate ? { ...base, certificate: result.certificate } : base;
    if (result.failure) return invalid('ESMIME_SIGNATURE_INVALID', result.failure, extra);
    return checkSignerCertificate(
      signedData,
      signer,
      result.certificate!,
      certificates,
      options,
      base,
    );
  }
  const {
    outcome,
    certificate,
    cause,
  }: { outcome: SignerOutcome; certificate?: SmimeCertificate; cause?: unknown } = signed.content
    ? await verifyWithPkijs(signedData, index, signed.content, certificates, options.crypto)
    : await verifySignerDigest(
        signer,
        signed.digestOf,
        certificates,
        options.crypto ?? globalThis.crypto,
      );
  if (outcome === 'no-certificate') {
    return invalid(
      'ESMIME_SIGNATURE_INVALID',
      'The signer certificate is not in the signature.',
      base,
      cause,
    );
  }
  if (outcome === 'mismatch') {
    return invalid(
      'ESMIME_SIGNATURE_INVALID',
      'The signature does not match the signed content.',
      { ...base, certificate: certificate! },
      cause,
    );
  }
  if (outcome === 'bad-signature') {
    return invalid('ESMIME_SIGNATURE_INVALID', 'The signature does not verify.', {
      ...base,
      certificate: certificate!,
    });
  }
  return checkSignerCertificate(signedData, signer, certificate!, certificates, options, base);
}

/** After the signature holds: the contentType attribute, then the certificate and its chain. */
async function checkSignerCertificate(
  signedData: pkijs.SignedData,
  signer: pkijs.SignerInfo,
  certificate: SmimeCertificate,
  certificates: readonly SmimeCertificate[],
  options: VerifyCmsOptions,
  base: { signingTime?: Date },
): Promise<SignerResult> {
  const withCert = { ...base, certificate };
  const contentType = attributeValue(signer, OID.contentTypeAttr);
  if (
    signer.signedAttrs &&
    !(
      contentType instanceof asn1js.ObjectIdentifier &&
      contentType.valueBlock.toString() === signedData.encapContentInfo.eContentType
    )
  ) {
    return invalid(
      'ESMIME_SIGNATURE_INVALID',
      'The signed contentType attribute does not match the content.',
      withCert,
    );
  }
  try {
    const { chain } = await checkCertificate(certificate, {
      purpose: 'sign',
      trustAnchors: options.trustAnchors,
      intermediates: certificates.filter((c) => c !== certificate),
      ...(options.now ? { now: options.now } : {}),
      ...(options.signerAddress !== undefined ? { address: options.signerAddress } : {}),
      ...(options.crypto ? { crypto: options.crypto } : {}),
    });
    return { status: 'valid', ...withCert, chain };
  } catch (error) {
    if (!(error instanceof SealpostError)) throw error;
    return { status: 'invalid', error, ...withCert };
  }
}

/**
 * Verifies every signer of a SignedData; never throws for a bad signature, only for bad input
 * or for a structure where the signed content is not unambiguous (ESMIME_CONTENT_CONFUSION).
 */
export async function verifyCms(
  bytes: Uint8Array,
  options: VerifyCmsOptions,
): Promise<VerifiedCms> {
  const signedData = parseSignedData(bytes);
  if (signedData.signerInfos.length === 0) {
    throw new SealpostError('ESMIME_FORMAT', 'The SignedData has no signers.');
  }
  const content = signedContent(signedData, options.detachedContent);
  const crypto = options.crypto ?? globalThis.crypto;
  const signers = await verifySigners(
    signedData,
    { content, digestOf: digestsOf(content, crypto) },
    options,
  );
  return { content, signers };
}

/**
 * Every signer's result, once the signed content is settled (signedContent): the signers
 * must agree on it (ESMIME_CONTENT_CONFUSION), then each is checked on its own.
 */
export async function verifySigners(
  signedData: pkijs.SignedData,
  signed: SignedBytes,
  options: Omit<VerifyCmsOptions, 'detachedContent'>,
): Promise<SignerResult[]> {
  await checkSignersAgree(signedData, signed.digestOf);
  const certificates = (signedData.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => fromPkijsCertificate(c));
  const signers: SignerResult[] = [];
  for (let i = 0; i < signedData.signerInfos.length; i++) {
    signers.push(await verifySigner(signedData, i, signed, certificates, options));
  }
  return signers;
}

/**
 * Verifying a signed message (RFC 8551 §3.5): multipart/signed (the first part's exact bytes
 * are what was signed, RFC 1847 §2.1) or application/pkcs7-mime signed-data; the signer's
 * certificate must name the From address (RFC 8550 §3). Protected headers (RFC 9788) are read
 * from the signed part.
 */
import {
  canonicalizeLineEnds,
  decodeBody,
  entityContentType,
  type HeaderField,
  joinMessage,
  type MimeEntity,
  parseEntity,
  parseMultipart,
  sameAddress,
  senderAddress,
  splitMessage,
  unprotectHeaders,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { SmimeCertificate } from '../certificate.js';
import { type SignerResult, verifyCms } from '../cms/verify-cms.js';
import { smimeKind } from './smime-entity.js';

export interface VerifyMimeOptions {
  readonly trustAnchors: readonly SmimeCertificate[];
  /** Time for certificate checks; default now. */
  readonly now?: Date;
  /**
   * Check that each signer's certificate names the one From address (default true):
   * ESMIME_CERT_ADDRESS, or ESENDER_MISSING / ESENDER_AMBIGUOUS when From is not one mailbox.
   */
  readonly checkSenderAddress?: boolean;
  readonly crypto?: Crypto;
}

export interface SignatureReport {
  /** 'valid' only if there is at least one signer and every signer is valid. */
  readonly status: 'valid' | 'invalid';
  readonly format: 'detached' | 'opaque';
  readonly signers: readonly SignerResult[];
}

export interface OpenedSmimeMessage {
  /** The inner entity, without the protected header fields. */
  readonly entity: MimeEntity;
  /** The header fields to show: the protected ones when hp is present, else the outer ones. */
  readonly headers: readonly HeaderField[];
  readonly hp: 'cipher' | 'clear' | undefined;
  /** What the outside showed, per the sender (RFC 9788 HP-Outer; only with hp="cipher"). */
  readonly hpOuter: readonly HeaderField[];
  /** The reconstructed message: `headers` over `entity`. */
  readonly message: Uint8Array;
}

export interface VerifyMimeResult extends OpenedSmimeMessage {
  readonly signature: SignatureReport;
}

/** Combines the outer header fields with the payload's protected ones (RFC 9788 §4.3). */
export function openSmimePayload(
  outerHeaders: readonly HeaderField[],
  payload: MimeEntity,
): OpenedSmimeMessage {
  const { hp, headers, hpOuter, entity } = unprotectHeaders(payload);
  const effective = hp ? headers : [...outerHeaders];
  return { entity, headers: effective, hp, hpOuter, message: joinMessage(effective, entity) };
}

const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

/** Verifies a signed entity; returns the signed inner entity and the per-signer results. */
export async function verifyEntity(
  entity: MimeEntity,
  options: VerifyMimeOptions,
): Promise<{ inner: MimeEntity; signature: SignatureReport }> {
  const kind = smimeKind(entity);
  const cmsOptions = {
    trustAnchors: options.trustAnchors,
    ...(options.now ? { now: options.now } : {}),
    ...(options.crypto ? { crypto: options.crypto } : {}),
  };
  if (kind === 'signed-detached') {
    const { parts } = parseMultipart(entity);
    if (parts.length !== 2) {
      throw new SealpostError(
        'ESMIME_FORMAT',
        'A multipart/signed entity must have exactly two parts.',
      );
    }
    if (!SIGNATURE_TYPES.has(entityContentType(parts[1]!.entity).mediaType.toLowerCase())) {
      throw new SealpostError(
        'ESMIME_FORMAT',
        'The second part of multipart/signed is not application/pkcs7-signature.',
      );
    }
    // The first part's exact bytes are both what is checked and what is shown (RFC 1847 §2.1);
    // verifyCms refuses a signature that brings content of its own.
    const result = await verifyCms(decodeBody(parts[1]!.entity), {
      ...cmsOptions,
      detachedContent: parts[0]!.raw,
    });
    return { inner: parts[0]!.entity, signature: report('detached', result.signers) };
  }
  if (kind === 'signed-opaque') {
    const result = await verifyCms(decodeBody(entity), cmsOptions);
    return { inner: parseEntity(result.content), signature: report('opaque', result.signers) };
  }
  throw new SealpostError('ESMIME_FORMAT', 'The message is not an S/MIME signed message.');
}

function report(format: 'detached' | 'opaque', signers: readonly SignerResult[]): SignatureReport {
  const status =
    signers.length > 0 && signers.every((s) => s.status === 'valid') ? 'valid' : 'invalid';
  return { status, format, signers };
}

/** The sender to check, or the error every valid signer gets when there is no single one. */
function sender(headers: readonly HeaderField[]): { address: string } | { error: SealpostError } {
  try {
    return { address: senderAddress(headers) };
  } catch (error) {
    if (error instanceof SealpostError) return { error };
    throw error;
  }
}

/**
 * Marks signers invalid whose certificate does not name the one From address (RFC 8550 §3):
 * ESMIME_CERT_ADDRESS, or ESENDER_MISSING / ESENDER_AMBIGUOUS when From is not one mailbox.
 */
export function checkSender(
  signature: SignatureReport,
  headers: readonly HeaderField[],
): SignatureReport {
  const from = sender(headers);
  const signers = signature.signers.map((signer): SignerResult => {
    if (signer.status !== 'valid' || !signer.certificate) return signer;
    if ('error' in from) return { ...signer, status: 'invalid', error: from.error };
    if (signer.certificate.addresses.some((a) => sameAddress(a, from.address))) return signer;
    const error = new SealpostError(
      'ESMIME_CERT_ADDRESS',
      `The signer certificate ${signer.certificate.subject} does not name the From address.`,
      { details: { addresses: [...signer.certificate.addresses] } },
    );
    return { ...signer, status: 'invalid', error };
  });
  return report(signature.format, signers);
}

/** Verifies a signed RFC 5322 message (multipart/signed or opaque signed-data). */
export async function verifyMime(
  message: Uint8Array,
  options: VerifyMimeOptions,
): Promise<VerifyMimeResult> {
  const { messageHeaders, entity } = splitMessage(canonicalizeLineEnds(message));
  const { inner, signature } = await verifyEntity(entity, options);
  const opened = openSmimePayload(messageHeaders, inner);
  const checked =
    options.checkSenderAddress === false ? signature : checkSender(signature, opened.headers);
  return { ...opened, signature: checked };
}

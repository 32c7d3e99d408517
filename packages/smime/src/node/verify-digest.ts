/// <reference types="node" />
/**
 * Our own detached S/MIME signature checked against a SHA-256 digest computed over a stream
 * (the self-check of a large signed copy): the messageDigest attribute must equal the digest,
 * the signature over the DER of the signed attributes (RFC 5652 §5.4) must verify with the
 * expected signer certificate's key, and, with anchors, the certificate must check for signing.
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import type { SmimeCertificate } from '../certificate.js';
import { checkCertificate } from '../check-certificate.js';
import { parseSignedData } from '../cms/verify-cms.js';
import { cryptoEngine } from '../engine.js';
import { OID } from '../oids.js';

export interface VerifyDigestOptions {
  /** The certificate the signature must be made with. */
  readonly certificate: SmimeCertificate;
  readonly chain?: readonly SmimeCertificate[];
  /**
   * Check the certificate's chain to these. Absent: dates, usage and key strength are checked,
   * the chain is not (as verifyOwnSignature does, decision 0071).
   */
  readonly trustAnchors?: readonly SmimeCertificate[];
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function messageDigestOf(signer: pkijs.SignerInfo): Uint8Array | undefined {
  const attribute = signer.signedAttrs?.attributes.find((a) => a.type === OID.messageDigestAttr);
  const value = attribute?.values[0];
  return value instanceof asn1js.OctetString
    ? new Uint8Array(value.valueBlock.valueHexView)
    : undefined;
}

/** Resolves to what is wrong with the signature, or undefined when it verifies. */
export async function verifyDetachedDigest(
  der: Uint8Array,
  digest: Uint8Array,
  options: VerifyDigestOptions,
): Promise<string | undefined> {
  const signedData = parseSignedData(der);
  if (signedData.encapContentInfo.eContent) return 'the detached signature carries content';
  const [signer, ...others] = signedData.signerInfos;
  if (!signer || others.length > 0) return 'not exactly one S/MIME signer';
  if (signer.digestAlgorithm.algorithmId !== OID.sha256) return 'the digest is not SHA-256';
  const claimed = messageDigestOf(signer);
  if (!claimed || !equalBytes(claimed, digest))
    return 'the S/MIME signature does not match the signed content';
  const signedAttrs = new Uint8Array(signer.signedAttrs!.toSchema().toBER());
  signedAttrs[0] = 0x31; // signed as a SET OF (RFC 5652 §5.4), stored as [0] IMPLICIT
  const ok = await cryptoEngine().verifyWithPublicKey(
    signedAttrs,
    signer.signature,
    options.certificate.pkijs.subjectPublicKeyInfo,
    signer.signatureAlgorithm,
    'SHA-256',
  );
  if (!ok) return 'our own S/MIME signature does not verify';
  const included = (signedData.certificates ?? []).some(
    (c) =>
      'subjectPublicKeyInfo' in c &&
      equalBytes(new Uint8Array(c.toSchema().toBER()), options.certificate.der),
  );
  if (!included) return 'the S/MIME signature does not carry our certificate';
  try {
    // Without anchors the chain is not checked (decision 0071); dates, usage, strength are.
    await checkCertificate(options.certificate, {
      purpose: 'sign',
      trustAnchors: options.trustAnchors ?? [],
      intermediates: options.chain ?? [],
      checkChain: options.trustAnchors !== undefined,
    });
  } catch (error) {
    return `our own S/MIME signature does not verify (${(error as { code?: string }).code ?? 'invalid'})`;
  }
  return undefined;
}

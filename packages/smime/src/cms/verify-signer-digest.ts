/**
 * One RSA or ECDSA SignerInfo checked against the content's digest alone (RFC 5652 §5.4,
 * §5.6), for content that was streamed: the steps and outcomes of pkijs's SignedData.verify
 * with extendedMode, which needs the content bytes: the signer certificate by sid, the
 * contentType and messageDigest attributes, the digest, the signature over the attributes.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual } from '../bytes.js';
import type { SmimeCertificate } from '../certificate.js';
import { cryptoEngine } from '../engine.js';
import { HASH_BY_OID, OID } from '../oids.js';
import type { ContentDigest } from './signed-content.js';

export type SignerOutcome = 'no-certificate' | 'mismatch' | 'bad-signature' | 'verified';

async function certificateBySid(
  sid: unknown,
  certificates: readonly SmimeCertificate[],
  crypto: Crypto,
): Promise<SmimeCertificate | undefined> {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certificates.find(
      (c) => c.pkijs.issuer.isEqual(sid.issuer) && c.pkijs.serialNumber.isEqual(sid.serialNumber),
    );
  }
  // subjectKeyIdentifier: pkijs compares it with the SHA-1 of the public key bits.
  const node = sid as asn1js.Constructed & asn1js.Primitive;
  const keyId = node.idBlock.isConstructed
    ? (node.valueBlock.value[0] as asn1js.Primitive).valueBlock.valueHexView
    : node.valueBlock.valueHexView;
  for (const certificate of certificates) {
    const bits = certificate.pkijs.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', bits as BufferSource));
    if (bytesEqual(digest, keyId)) return certificate;
  }
  return undefined;
}

/** What pkijs would conclude for this signer, from the digest instead of the content. */
export async function verifySignerDigest(
  signer: pkijs.SignerInfo,
  digestOf: ContentDigest,
  certificates: readonly SmimeCertificate[],
  crypto: Crypto,
): Promise<{ outcome: SignerOutcome; certificate?: SmimeCertificate }> {
  const certificate = await certificateBySid(signer.sid, certificates, crypto);
  if (!certificate) return { outcome: 'no-certificate' };
  const hash = HASH_BY_OID[signer.digestAlgorithm.algorithmId];
  const attributes = signer.signedAttrs?.attributes ?? [];
  const claimed = attributes.find((a) => a.type === OID.messageDigestAttr)?.values[0];
  if (
    !hash ||
    !signer.signedAttrs ||
    !attributes.some((a) => a.type === OID.contentTypeAttr) ||
    !(claimed instanceof asn1js.OctetString) ||
    !bytesEqual(claimed.valueBlock.valueHexView, await digestOf(hash))
  ) {
    return { outcome: 'mismatch', certificate };
  }
  try {
    const verified = await cryptoEngine(crypto).verifyWithPublicKey(
      signer.signedAttrs.encodedValue,
      signer.signature,
      certificate.pkijs.subjectPublicKeyInfo,
      signer.signatureAlgorithm,
      signer.signatureAlgorithm.algorithmId === OID.rsaEncryption ? hash : undefined,
    );
    return { outcome: verified ? 'verified' : 'bad-signature', certificate };
  } catch {
    return { outcome: 'mismatch', certificate };
  }
}

/**
 * Ed25519 signers in SignedData (RFC 8419 §3): signatureAlgorithm id-Ed25519 with absent
 * parameters, PureEdDSA over the DER of the signed attributes (or over the content when there
 * are none), and SHA-512 as the digest algorithm (§3.1). pkijs knows no EdDSA, so both
 * directions are done here with Web Crypto's 'Ed25519'.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual, toArrayBuffer } from '../bytes.js';
import type { SmimeCertificate } from '../certificate.js';
import { OID } from '../oids.js';
import { importPrivateKey, type SmimePrivateKey } from '../private-key.js';
import { identifiesCertificate } from './recipient-identifier.js';
import type { ContentDigest } from './signed-content.js';

export function isEd25519Signer(signer: pkijs.SignerInfo): boolean {
  return signer.signatureAlgorithm.algorithmId === OID.ed25519;
}

/** The bytes a signer signs: the signed attributes re-tagged as SET OF (RFC 5652 §5.4). */
export function signedAttributesDer(attrs: pkijs.SignedAndUnsignedAttributes): Uint8Array {
  const der = new Uint8Array(attrs.toSchema().toBER());
  der[0] = 0x31;
  return der;
}

function signerCertificate(
  signer: pkijs.SignerInfo,
  certificates: readonly SmimeCertificate[],
): SmimeCertificate | undefined {
  const sid = signer.sid as unknown;
  return certificates.find((cert) => {
    if (identifiesCertificate(sid, cert)) return true;
    // subjectKeyIdentifier [0] IMPLICIT OCTET STRING: pkijs leaves it a context primitive.
    if (sid instanceof asn1js.Primitive && sid.idBlock.tagClass === 3) {
      const ski = cert.pkijs.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue;
      return (
        ski instanceof asn1js.OctetString &&
        bytesEqual(sid.valueBlock.valueHexView, ski.valueBlock.valueHexView)
      );
    }
    return false;
  });
}

export interface Ed25519Verification {
  readonly certificate?: SmimeCertificate;
  /** Why it failed, in words for the user; absent when the signature holds. */
  readonly failure?: string;
}

/**
 * Verifies one Ed25519 SignerInfo over the content (its bytes, or only its digests when it
 * was streamed: then a signer without signed attributes cannot be checked); never throws
 * for a bad signature.
 */
export async function verifyEd25519Signer(
  signer: pkijs.SignerInfo,
  signed: { readonly content?: Uint8Array; readonly digestOf: ContentDigest },
  certificates: readonly SmimeCertificate[],
  crypto: Crypto,
): Promise<Ed25519Verification> {
  const certificate = signerCertificate(signer, certificates);
  if (!certificate) return { failure: 'The signer certificate is not in the signature.' };
  if (certificate.publicKey.type !== 'ed25519') {
    return { certificate, failure: 'The signer certificate has no Ed25519 key.' };
  }
  if (signer.signatureAlgorithm.algorithmParams !== undefined) {
    return { certificate, failure: 'id-Ed25519 must have absent parameters (RFC 8419 §3).' };
  }
  let message = signed.content;
  if (signer.signedAttrs) {
    if (signer.digestAlgorithm.algorithmId !== OID.sha512) {
      return { certificate, failure: 'Ed25519 signatures must use SHA-512 (RFC 8419 §3.1).' };
    }
    const claimed = signer.signedAttrs.attributes.find((a) => a.type === OID.messageDigestAttr)
      ?.values[0];
    const digest = await signed.digestOf('SHA-512');
    if (
      !(claimed instanceof asn1js.OctetString) ||
      !bytesEqual(claimed.valueBlock.valueHexView, digest)
    ) {
      return { certificate, failure: 'The signature does not match the signed content.' };
    }
    message = signedAttributesDer(signer.signedAttrs);
  }
  if (!message) {
    return {
      certificate,
      failure: 'An Ed25519 signature without signed attributes cannot be checked on a stream.',
    };
  }
  try {
    const spki = certificate.pkijs.subjectPublicKeyInfo.toSchema().toBER();
    const key = await crypto.subtle.importKey('spki', spki, { name: 'Ed25519' }, false, ['verify']);
    const ok = await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      signer.signature.valueBlock.valueHexView as BufferSource,
      message as BufferSource,
    );
    return ok ? { certificate } : { certificate, failure: 'The signature does not verify.' };
  } catch {
    return { certificate, failure: 'The Ed25519 signature could not be checked.' };
  }
}

/** Fills digestAlgorithm, signatureAlgorithm and signature of an Ed25519 SignerInfo. */
export async function signEd25519(
  signedData: pkijs.SignedData,
  signer: pkijs.SignerInfo,
  privateKey: SmimePrivateKey,
  crypto: Crypto,
): Promise<void> {
  const sha512 = new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha512 });
  signedData.digestAlgorithms = [sha512];
  signer.digestAlgorithm = sha512;
  signer.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.ed25519 });
  const key = await importPrivateKey(privateKey, 'sign', '', crypto);
  const toSign = signer.signedAttrs ? signedAttributesDer(signer.signedAttrs) : new Uint8Array();
  const signature = await crypto.subtle.sign({ name: 'Ed25519' }, key, toSign as BufferSource);
  signer.signature = new asn1js.OctetString({ valueHex: toArrayBuffer(new Uint8Array(signature)) });
}

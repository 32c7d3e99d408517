/**
 * Which bytes a SignedData vouches for (RFC 5652 §5.2, RFC 8551 §3.5): the one place the
 * content may come from, decided before any signature is checked. A detached signature
 * (multipart/signed) must have no eContent; an opaque one must carry a non-empty id-data
 * eContent. Anything else lets an attacker show one text while the signature covers another
 * (CVE-2018-18509, "Johnny, You Are Fired!" §5 CMS content confusion), so it is refused.
 */
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { bytesEqual } from '../bytes.js';
import { HASH_BY_OID, OID } from '../oids.js';
import { octetStringBytes } from './der.js';

function confusion(reason: string, message: string): SealpostError {
  return new SealpostError('ESMIME_CONTENT_CONFUSION', message, { details: { reason } });
}

/**
 * The signed content: `detachedContent` for a detached signature, else the eContent.
 * ESMIME_CONTENT_CONFUSION when the structure leaves room for a second content.
 */
export function signedContent(
  signedData: pkijs.SignedData,
  detachedContent: Uint8Array | undefined,
): Uint8Array {
  const { eContentType, eContent } = signedData.encapContentInfo;
  if (eContentType !== OID.data) {
    // S/MIME signs a MIME entity (id-data); nested SignedData or other types are not shown.
    throw confusion(
      'econtent-type',
      `The signature covers content of type ${eContentType}, not a MIME entity (id-data).`,
    );
  }
  if (detachedContent !== undefined) {
    if (eContent) {
      throw confusion(
        'detached-with-econtent',
        'The multipart/signed signature carries content of its own; a detached signature must have none (RFC 5652 §5.2).',
      );
    }
    return detachedContent;
  }
  const content = eContent ? octetStringBytes(eContent) : undefined;
  if (!content || content.length === 0) {
    throw confusion(
      'opaque-without-econtent',
      'The opaque signed-data has no content inside: there is nothing the signature covers to show.',
    );
  }
  return content;
}

/**
 * The signed content's digest under a Web Crypto hash name ('SHA-256', ...): computed from
 * the bytes in memory, or taken from digests computed while the content streamed past.
 */
export type ContentDigest = (hash: string) => Promise<Uint8Array>;

/** A ContentDigest over bytes in memory, each hash computed once. */
export function digestsOf(content: Uint8Array, crypto: Crypto): ContentDigest {
  const digests = new Map<string, Promise<Uint8Array>>();
  return (hash) => {
    let digest = digests.get(hash);
    if (!digest) {
      digest = crypto.subtle.digest(hash, content as BufferSource).then((d) => new Uint8Array(d));
      digests.set(hash, digest);
    }
    return digest;
  };
}

function messageDigestOf(signer: pkijs.SignerInfo): Uint8Array | undefined {
  const value = signer.signedAttrs?.attributes.find((a) => a.type === OID.messageDigestAttr)
    ?.values[0];
  return value instanceof asn1js.OctetString ? value.valueBlock.valueHexView : undefined;
}

/**
 * With several SignerInfos, every one must sign the same bytes: a SignerInfo whose
 * messageDigest is over other content would vouch for a text that is never shown. When none
 * matches, the content was changed in transit: each signer is then simply invalid.
 */
export async function checkSignersAgree(
  signedData: pkijs.SignedData,
  digestOf: ContentDigest,
): Promise<void> {
  if (signedData.signerInfos.length < 2) return;
  const matches: boolean[] = [];
  for (const signer of signedData.signerInfos) {
    const hash = HASH_BY_OID[signer.digestAlgorithm.algorithmId];
    const claimed = messageDigestOf(signer);
    // Weak or unknown digests and signers without attributes are judged per signer later.
    if (!hash || hash === 'SHA-1' || !claimed) continue;
    matches.push(bytesEqual(claimed, await digestOf(hash)));
  }
  if (matches.includes(true) && matches.includes(false)) {
    throw confusion(
      'signers-disagree',
      `The ${signedData.signerInfos.length} signers of this message did not sign the same content.`,
    );
  }
}

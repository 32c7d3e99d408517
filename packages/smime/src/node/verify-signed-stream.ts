/// <reference types="node" />
/**
 * Streamed verification of SignedData (RFC 5652 §5.6) of any size (Node only): the content
 * is hashed as it passes, the signers are checked against the digests at the end, with the
 * same content-confusion refusals and per-signer verdicts as verifyCms (decision 0127).
 * Detached (multipart/signed, RFC 8551 §3.5.3) and opaque (signed-data with eContent, §3.5.2).
 */
import { createHash, type Hash } from 'node:crypto';
import type { HeaderField } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { derOid, derTlv, parseBer, TAG } from '../cms/der.js';
import { signedContent } from '../cms/signed-content.js';
import {
  parseSignedData,
  type SignerResult,
  type VerifyCmsOptions,
  verifySigners,
} from '../cms/verify-cms.js';
import { checkSender, type SignatureReport } from '../mime/verify-mime.js';
import { HASH_BY_OID, OID } from '../oids.js';
import { BER, BerReader, berFormatError } from './ber-reader.js';
import type { PlaintextSink } from './decrypt-enveloped-stream.js';

export type VerifyStreamOptions = Omit<VerifyCmsOptions, 'detachedContent'>;

/** verifyCms's result without the content (it was streamed). */
export interface StreamedVerification {
  readonly signers: readonly SignerResult[];
}

const NODE_HASH: Readonly<Record<string, string>> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** One running hash per strong digest algorithm named; the weak ones are judged per signer. */
function contentHashes(digestOids: Iterable<string>): {
  update(piece: Uint8Array): void;
  digestOf(hash: string): Promise<Uint8Array>;
} {
  const hashes = new Map<string, Hash>();
  for (const oid of digestOids) {
    const name = HASH_BY_OID[oid];
    if (name && NODE_HASH[name] && !hashes.has(name))
      hashes.set(name, createHash(NODE_HASH[name]!));
  }
  const digests = new Map<string, Uint8Array>();
  return {
    update(piece) {
      for (const hash of hashes.values()) hash.update(piece);
    },
    async digestOf(name) {
      let digest = digests.get(name);
      if (!digest) {
        const hash = hashes.get(name);
        // Only an opaque signer whose digest is missing from digestAlgorithms gets here.
        if (!hash) {
          throw new SealpostError(
            'ESMIME_FORMAT',
            `A signer uses ${name}, which the SignedData's digestAlgorithms do not list.`,
          );
        }
        digest = new Uint8Array(hash.digest());
        digests.set(name, digest);
      }
      return digest;
    },
  };
}

function refuseWithoutSigners(signedData: pkijs.SignedData): void {
  if (signedData.signerInfos.length === 0) {
    throw new SealpostError('ESMIME_FORMAT', 'The SignedData has no signers.');
  }
}

/**
 * Signers that sign the content itself (no signed attributes) need all of it at the end,
 * which a stream does not keep: refused before anything is said about the message.
 */
function refuseUnstreamable(signedData: pkijs.SignedData): void {
  if (signedData.signerInfos.some((s) => !s.signedAttrs)) {
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      'A signer of this message signs without signed attributes, which cannot be checked on a stream; verify it in memory.',
    );
  }
}

/**
 * Verifies a detached signature (`signature`: the base64-decoded body of the
 * application/pkcs7-signature part) over `content`: the exact bytes of the multipart/signed
 * first part, from the first byte after the CRLF ending its boundary line to the last byte
 * before the CRLF that precedes the next boundary line, with line ends canonical (CRLF), as
 * verifyMime hashes them. Refuses a signature that carries content (ESMIME_CONTENT_CONFUSION).
 */
export async function verifyDetachedStream(
  content: AsyncIterable<Uint8Array>,
  signature: Uint8Array,
  options: VerifyStreamOptions,
): Promise<StreamedVerification> {
  const signedData = parseSignedData(signature);
  refuseWithoutSigners(signedData);
  // The structure leaves no room for a second content (signedContent's checks, before hashing).
  signedContent(signedData, new Uint8Array(0));
  refuseUnstreamable(signedData);
  const hashes = contentHashes(signedData.signerInfos.map((s) => s.digestAlgorithm.algorithmId));
  for await (const piece of content) hashes.update(piece);
  return { signers: await verifySigners(signedData, { digestOf: hashes.digestOf }, options) };
}

function oidOf(der: Uint8Array): string {
  try {
    const node = parseBer(der);
    return node instanceof asn1js.ObjectIdentifier ? node.valueBlock.toString() : '';
  } catch {
    return '';
  }
}

/** The OIDs in DigestAlgorithmIdentifiers (RFC 5652 §5.1). */
function digestOids(der: Uint8Array): string[] {
  let set: asn1js.AsnType;
  try {
    set = parseBer(der);
  } catch {
    throw notSignedData();
  }
  return ((set as asn1js.Set).valueBlock.value ?? []).map((node) => {
    const [oid] = (node as asn1js.Sequence).valueBlock.value ?? [];
    return oid instanceof asn1js.ObjectIdentifier ? oid.valueBlock.toString() : '';
  });
}

function notSignedData(): SealpostError {
  return new SealpostError('ESMIME_FORMAT', 'The signature is not a CMS SignedData structure.');
}

/**
 * Verifies opaque signed-data (the base64-decoded body of application/pkcs7-mime;
 * smime-type=signed-data, as `openssl cms -sign -nodetach -stream` writes it) read from
 * `der`, writing the signed content (a MIME entity) to `sink` as it passes and hashing it.
 * The chunks are NOT vouched for until the returned promise resolves with every signer
 * valid: keep them in a private temporary file until then, and discard them on rejection.
 */
export async function verifyOpaqueStream(
  der: AsyncIterable<Uint8Array>,
  options: VerifyStreamOptions,
  sink: PlaintextSink,
): Promise<StreamedVerification> {
  const reader = new BerReader(der);
  const contentInfo = await reader.expect(BER.sequence, 'ContentInfo');
  if (oidOf(await reader.element(256)) !== OID.signedData) throw notSignedData();
  const wrapper = await reader.expect(BER.context0Constructed, 'content');
  const body = await reader.expect(BER.sequence, 'SignedData');
  const version = await reader.rest(await reader.expect(BER.integer, 'version'), 16);
  const digestAlgorithms = await reader.rest(await reader.expect(BER.set, 'digestAlgorithms'));
  const encap = await reader.expect(BER.sequence, 'encapContentInfo');
  const eContentType = await reader.element(256);
  const typeOid = oidOf(eContentType);
  if (typeOid !== OID.data) {
    // What signedContent refuses, said before any content is passed on.
    throw new SealpostError(
      'ESMIME_CONTENT_CONFUSION',
      `The signature covers content of type ${typeOid || '(none)'}, not a MIME entity (id-data).`,
      { details: { reason: 'econtent-type' } },
    );
  }
  const hashes = contentHashes(digestOids(digestAlgorithms));
  let length = 0;
  if (await reader.more(encap)) {
    const explicit = await reader.expect(BER.context0Constructed, 'eContent');
    const octets = await reader.header();
    if (octets.tag !== BER.octetString && octets.tag !== BER.octetStringConstructed) {
      throw berFormatError('The signed content is not an OCTET STRING.');
    }
    for await (const piece of reader.octets(octets)) {
      hashes.update(piece);
      length += piece.length;
      await sink(piece);
    }
    await reader.finish(explicit);
  }
  await reader.finish(encap);
  if (length === 0) {
    throw new SealpostError(
      'ESMIME_CONTENT_CONFUSION',
      'The opaque signed-data has no content inside: there is nothing the signature covers to show.',
      { details: { reason: 'opaque-without-econtent' } },
    );
  }
  // certificates [0], crls [1], signerInfos: small, read whole.
  const rest: Uint8Array[] = [];
  while (await reader.more(body)) rest.push(await reader.element());
  await reader.finish(wrapper);
  await reader.finish(contentInfo);
  // The same SignedData without its eContent, for pkijs to read the signers from.
  const detached = derTlv(
    TAG.sequence,
    derOid(OID.signedData),
    derTlv(
      TAG.context0Constructed,
      derTlv(TAG.sequence, version, digestAlgorithms, derTlv(TAG.sequence, eContentType), ...rest),
    ),
  );
  const signedData = parseSignedData(detached);
  refuseWithoutSigners(signedData);
  refuseUnstreamable(signedData);
  return { signers: await verifySigners(signedData, { digestOf: hashes.digestOf }, options) };
}

/**
 * The SignatureReport verifyMime gives, from streamed signers and the header fields shown
 * (the signed entity's protected ones, else the message's): each signer's certificate must
 * name the one From address (RFC 8550 §3).
 */
export function streamedSignatureReport(
  format: 'detached' | 'opaque',
  signers: readonly SignerResult[],
  headers: readonly HeaderField[],
): SignatureReport {
  return checkSender({ status: 'invalid', format, signers }, headers);
}

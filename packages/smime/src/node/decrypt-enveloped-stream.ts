/// <reference types="node" />
/**
 * Streamed decryption of AuthEnvelopedData (RFC 5083 §2) and EnvelopedData (RFC 5652 §6) of
 * any size (Node only): the header (recipientInfos, content algorithm) is read into memory,
 * the encryptedContent passes through Node's decipher to a sink, the tag is checked at the end.
 * The same refusals and the same result facts as decryptCms (decision 0126).
 */
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SmimeCertificate } from '../certificate.js';
import type { EnvelopeKind } from '../cms/auth-enveloped-data.js';
import { type ContentCipher, weakCipherNote } from '../cms/content-encryption.js';
import { type ContentKey, contentKeyFor, envelopeCipher, notForUs } from '../cms/content-key.js';
import type { DecryptCmsOptions, DecryptedCms } from '../cms/decrypt-cms.js';
import { octetStringBytes, parseBer } from '../cms/der.js';
import { OID } from '../oids.js';
import type { SmimePrivateKey } from '../private-key.js';
import { BER, BerReader, berFormatError } from './ber-reader.js';
import { contentDecipher } from './content-decipher.js';

/** A private key with its certificates (the keystore's SmimeIdentity has this shape). */
export interface SmimeIdentity {
  readonly privateKey: SmimePrivateKey;
  /** End-entity first; each is tried against the RecipientInfos in turn. */
  readonly certificates: readonly SmimeCertificate[];
}

export interface DecryptEnvelopedStreamOptions
  extends Omit<DecryptCmsOptions, 'privateKey' | 'certificate' | 'contentDecrypt'> {
  /** Tried in order; the first certificate a RecipientInfo names is used. */
  readonly identities: readonly SmimeIdentity[];
}

/** decryptCms's result without the content (it went to the sink), and whose key opened it. */
export interface StreamedDecryption extends Omit<DecryptedCms, 'content'> {
  /** The certificate the RecipientInfo used names. */
  readonly recipient: SmimeCertificate;
}

export type PlaintextSink = (chunk: Uint8Array) => Promise<void>;

function oidOf(der: Uint8Array): string {
  const node = parseBer(der);
  return node instanceof asn1js.ObjectIdentifier ? node.valueBlock.toString() : '';
}

/** Parses a small element with asn1js/pkijs; a failure is ESMIME_FORMAT naming the field. */
function parsed<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (cause) {
    if (cause instanceof SealpostError) throw cause;
    throw new SealpostError('ESMIME_FORMAT', `The CMS envelope is malformed (${what}).`, {
      cause,
    });
  }
}

/** ContentInfo's contentType: which envelope, with decryptCms's refusals. */
async function envelopeKind(reader: BerReader): Promise<EnvelopeKind> {
  const der = await reader.element(256);
  const type = parsed('contentType', () => oidOf(der));
  if (type === OID.authEnvelopedData) return 'authEnvelopedData';
  if (type === OID.envelopedData) return 'envelopedData';
  throw type
    ? new SealpostError(
        'ESMIME_UNSUPPORTED',
        `The CMS content type ${type} is not an encrypted message.`,
      )
    : berFormatError('The S/MIME content is not a CMS ContentInfo.');
}

async function contentKey(
  recipientInfos: readonly pkijs.RecipientInfo[],
  cipher: ContentCipher,
  options: DecryptEnvelopedStreamOptions,
): Promise<ContentKey & { recipient: SmimeCertificate }> {
  const crypto = options.crypto ?? globalThis.crypto;
  const tried: string[] = [];
  for (const { privateKey, certificates } of options.identities) {
    for (const certificate of certificates) {
      tried.push(certificate.subject);
      const key = await contentKeyFor(recipientInfos, { certificate, privateKey }, cipher, {
        crypto,
        ...(options.rsaRawDecrypt ? { rsaRawDecrypt: options.rsaRawDecrypt } : {}),
      });
      if (key) return { ...key, recipient: certificate };
    }
  }
  throw notForUs(tried.join(', ') || '(none given)', recipientInfos.length);
}

/**
 * Decrypts the DER/BER ContentInfo read from `der` (the base64-decoded body of an
 * application/pkcs7-mime enveloped-data or authEnveloped-data) and writes the plaintext to
 * `sink` as it is decrypted, awaiting each write.
 *
 * The chunks given to `sink` are NOT authenticated until the returned promise resolves: the
 * GCM tag (AuthEnvelopedData) is checked after the last ciphertext byte, CBC padding at the
 * end. Write them to a private temporary file and release it only after resolution; on
 * rejection (ESMIME_DECRYPT, ESMIME_FORMAT, ESMIME_UNSUPPORTED, ...) discard everything.
 * With integrity 'none' (CBC) nothing vouches for the content but a signature inside.
 */
export async function decryptEnvelopedStream(
  der: AsyncIterable<Uint8Array>,
  options: DecryptEnvelopedStreamOptions,
  sink: PlaintextSink,
): Promise<StreamedDecryption> {
  const reader = new BerReader(der);
  const contentInfo = await reader.expect(BER.sequence, 'ContentInfo');
  const kind = await envelopeKind(reader);
  const wrapper = await reader.expect(BER.context0Constructed, 'content');
  const body = await reader.expect(BER.sequence, 'envelope');
  await reader.rest(await reader.expect(BER.integer, 'version'), 16);
  // originatorInfo [0]: certificates for the originator, not needed (as decryptCms).
  if ((await reader.peekTag()) === BER.context0Constructed) await reader.element();
  const recipientSet = await reader.rest(await reader.expect(BER.set, 'recipientInfos'));
  const info = await reader.expect(BER.sequence, 'encryptedContentInfo');
  const typeDer = await reader.element(256);
  const contentType = parsed('contentType', () => oidOf(typeDer));
  if (!contentType) throw berFormatError('The CMS envelope is malformed (contentType).');
  const algorithmDer = await reader.element(4096);
  const recipientInfos = parsed('recipientInfos', () => {
    const set = parseBer(recipientSet) as asn1js.Set;
    return set.valueBlock.value.map((schema) => new pkijs.RecipientInfo({ schema }));
  });
  const algorithm = parsed(
    'contentEncryptionAlgorithm',
    () => new pkijs.AlgorithmIdentifier({ schema: parseBer(algorithmDer) }),
  );
  const cipher = envelopeCipher(kind, algorithm);
  const { cek, keyEncryptionOid, recipient } = await contentKey(recipientInfos, cipher, options);
  const decipher = contentDecipher(cipher, cek);
  cek.fill(0);
  const content = await reader.header();
  if (content.tag !== BER.context0 && content.tag !== BER.context0Constructed) {
    throw berFormatError('The CMS envelope is malformed (no encryptedContent).');
  }
  for await (const piece of reader.octets(content)) {
    const plain = decipher.update(piece);
    if (plain.length > 0) await sink(plain);
  }
  await reader.finish(info);
  let mac: Uint8Array | undefined;
  if (kind === 'authEnvelopedData') {
    if ((await reader.peekTag()) === BER.context1Constructed) {
      // The GCM additional data would come after the content Node has already decrypted.
      throw new SealpostError(
        'ESMIME_UNSUPPORTED',
        'This AuthEnvelopedData has authenticated attributes, which a streamed decryption cannot check; open it in memory.',
      );
    }
    const macHeader = await reader.header();
    if (macHeader.tag !== BER.octetString && macHeader.tag !== BER.octetStringConstructed) {
      throw berFormatError('The AuthEnvelopedData has no mac.');
    }
    mac = octetStringBytes(parseBer(await reader.rest(macHeader, 1024)));
  }
  await reader.finish(body); // unprotectedAttrs / unauthAttrs: not used, as decryptCms
  await reader.finish(wrapper);
  await reader.finish(contentInfo);
  const last = decipher.final(mac);
  if (last.length > 0) await sink(last);
  const weakNote = weakCipherNote(cipher);
  return {
    contentType,
    structure: kind,
    integrity: kind === 'authEnvelopedData' ? 'aead' : 'none',
    contentEncryptionOid: algorithm.algorithmId,
    keyEncryptionOid,
    weak: weakNote !== undefined,
    ...(weakNote ? { weakNote } : {}),
    recipient,
  };
}

/// <reference types="node" />
/**
 * S/MIME signing for large messages (Node only): multipart/signed (RFC 8551 §3.5.3) whose
 * SHA-256 digest is computed over the first part as a stream, then signed in SignedAttributes
 * (RFC 5652 §5.4: the signature covers the attributes, which carry the digest). The message is
 * read once from `open()`, hashed as it is written. signEncryptMimeStream signs inside and
 * encrypts the result with encryptMimeStream (RFC 8551 §3.7). The first part is the input
 * as it is: give 7-bit clean MIME (toMimeStream's forSigning), as RFC 8551 §3.1.1 asks.
 */
import { createHash } from 'node:crypto';
import {
  canonicalizeLineEnds,
  createMultipart,
  type HeaderField,
  joinMessage,
  type MimeEntity,
  protectHeaders,
  serializeEntity,
  splitMessage,
} from '@sealpost/compose';
import { signCmsDigest } from '../cms/sign-cms.js';
import type { SignerOptions } from '../mime/sign-mime.js';
import { pkcs7SignatureEntity } from '../mime/smime-entity.js';
import {
  type EncryptMimeStreamOptions,
  encryptMimeStream,
  headerThenBody,
  lineEndCanonicalizer,
} from './encrypt-mime-stream.js';

const PLACEHOLDER = 'SEALPOST-STREAMED-SIGNED-BODY';
const SIGNATURE_PLACEHOLDER = 'SEALPOST-STREAMED-SIGNATURE-PART';

export interface SignMimeStreamOptions extends Omit<SignerOptions, 'format'> {
  /** RFC 9788 header protection (hp="clear"); default true. */
  readonly headerProtection?: boolean;
  /** The message is already canonical, CRLF only: its line ends are passed through. */
  readonly canonical?: boolean;
}

type Open = () => AsyncIterable<Uint8Array>;
type Pieces = AsyncGenerator<{ head?: Buffer; body?: Buffer }>;

/** The header section of the message (canonical), read from the start of `pieces`. */
async function readHead(pieces: Pieces): Promise<Uint8Array> {
  const first = await pieces.next();
  return canonicalizeLineEnds(
    first.done ? new Uint8Array(0) : (first.value.head ?? new Uint8Array(0)),
  );
}

/**
 * The multipart/signed entity over `payload`'s header fields and the body read on from
 * `pieces`: its serialized bytes, streamed in one pass. The first part is hashed as it is
 * written; the signature part, which follows it (RFC 1847 §2.1), once the hash is done.
 */
async function* signedEntity(
  pieces: Pieces,
  payload: MimeEntity,
  options: SignMimeStreamOptions,
  outer?: readonly HeaderField[],
): AsyncGenerator<Uint8Array> {
  const partHead = serializeEntity({ headers: payload.headers, body: new Uint8Array(0) });
  // The signature part stands in as a bare body: serialized, it is CRLF and the placeholder.
  const skeleton = createMultipart(
    'signed',
    [
      { headers: payload.headers, body: Buffer.from(PLACEHOLDER) },
      { headers: [], body: Buffer.from(SIGNATURE_PLACEHOLDER) },
    ],
    { params: { protocol: 'application/pkcs7-signature', micalg: 'sha-256' } },
  );
  const whole = Buffer.from(
    outer && outer.length > 0 ? joinMessage(outer, skeleton) : serializeEntity(skeleton),
  );
  const at = whole.indexOf(PLACEHOLDER);
  const signatureAt = whole.indexOf(`\r\n${SIGNATURE_PLACEHOLDER}`);
  // The part's header section is hashed and written with its body.
  yield whole.subarray(0, at - partHead.length);
  const hash = createHash('sha256');
  hash.update(partHead);
  yield partHead;
  const canonical = options.canonical ? (chunk: Buffer) => chunk : lineEndCanonicalizer();
  for (let next = await pieces.next(); !next.done; next = await pieces.next()) {
    if (!next.value.body) continue;
    const chunk = canonical(next.value.body);
    hash.update(chunk);
    yield chunk;
  }
  const der = await signCmsDigest(new Uint8Array(hash.digest()), {
    certificate: options.certificate,
    privateKey: options.privateKey,
    detached: true,
    ...(options.chain ? { chain: options.chain } : {}),
    ...(options.signingTime ? { signingTime: options.signingTime } : {}),
  });
  yield whole.subarray(at + PLACEHOLDER.length, signatureAt);
  yield serializeEntity(pkcs7SignatureEntity(der));
  yield whole.subarray(signatureAt + 2 + SIGNATURE_PLACEHOLDER.length);
}

/** Signs the message `open()` streams (read once) and yields the signed message. */
export async function* signMimeStream(
  open: Open,
  options: SignMimeStreamOptions,
): AsyncGenerator<Uint8Array> {
  const pieces = headerThenBody(open());
  const head = await readHead(pieces);
  let outer: HeaderField[];
  let payload: MimeEntity;
  if (options.headerProtection === false) {
    ({ messageHeaders: outer, entity: payload } = splitMessage(head));
  } else {
    ({ outerHeaders: outer, payload } = protectHeaders(head, { mode: 'clear' }));
  }
  yield* signedEntity(pieces, payload, options, outer);
}

export interface SignEncryptMimeStreamOptions extends EncryptMimeStreamOptions {
  readonly sign: SignMimeStreamOptions;
}

/**
 * Signs inside, then encrypts (AES-256-GCM AuthEnvelopedData), streaming both: the shape of
 * encryptMime with `sign`, RFC 9788 hp="cipher" on the outside.
 */
export async function* signEncryptMimeStream(
  open: Open,
  options: SignEncryptMimeStreamOptions,
): AsyncGenerator<Uint8Array> {
  const pieces = headerThenBody(open());
  const head = await readHead(pieces);
  let outer: HeaderField[];
  let payload: MimeEntity;
  if (options.headerProtection === false) {
    ({ messageHeaders: outer, entity: payload } = splitMessage(head));
  } else {
    ({ outerHeaders: outer, payload } = protectHeaders(head, {
      mode: 'cipher',
      hcp: options.hcp ?? 'baseline',
    }));
  }
  // The outer fields, then the signed entity: encryptMimeStream without header protection
  // keeps the former outside and encrypts the latter (its Content-* fields and body).
  const { sign, canonical, ...encrypt } = options;
  const inner = signedEntity(
    pieces,
    payload,
    { ...sign, ...(canonical ? { canonical } : {}) },
    outer,
  );
  // The signed entity is ours, CRLF throughout.
  yield* encryptMimeStream(inner, { ...encrypt, headerProtection: false, canonical: true });
}

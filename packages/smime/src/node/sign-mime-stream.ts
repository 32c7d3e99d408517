/// <reference types="node" />
/**
 * S/MIME signing for large messages (Node only): multipart/signed (RFC 8551 §3.5.3) whose
 * SHA-256 digest is computed over the first part as a stream, then signed in SignedAttributes
 * (RFC 5652 §5.4: the signature covers the attributes, which carry the digest). The message is
 * read twice from `open()`: to hash, then to write. signEncryptMimeStream signs inside and
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
import type { EncryptMimeOptions } from '../mime/encrypt-mime.js';
import type { SignerOptions } from '../mime/sign-mime.js';
import { pkcs7SignatureEntity } from '../mime/smime-entity.js';
import { encryptMimeStream, headerThenBody, lineEndCanonicalizer } from './encrypt-mime-stream.js';

const PLACEHOLDER = 'SEALPOST-STREAMED-SIGNED-BODY';

export interface SignMimeStreamOptions extends Omit<SignerOptions, 'format'> {
  /** RFC 9788 header protection (hp="clear"); default true. */
  readonly headerProtection?: boolean;
}

type Open = () => AsyncIterable<Uint8Array>;

/** The first part (its header section, then the body of `open()`), canonical, as chunks. */
async function* firstPart(open: Open, partHead: Uint8Array): AsyncGenerator<Uint8Array> {
  yield partHead;
  const canonical = lineEndCanonicalizer();
  for await (const piece of headerThenBody(open())) {
    if (piece.body) yield canonical(piece.body);
  }
}

async function readHead(open: Open): Promise<Uint8Array> {
  for await (const piece of headerThenBody(open())) {
    if (piece.head) return canonicalizeLineEnds(piece.head);
  }
  return new Uint8Array(0);
}

/**
 * The multipart/signed entity over `payload`'s header fields and the body streamed from
 * `open()`: its serialized bytes, streamed.
 */
async function* signedEntity(
  open: Open,
  payload: MimeEntity,
  options: SignMimeStreamOptions,
  outer?: readonly HeaderField[],
): AsyncGenerator<Uint8Array> {
  const partHead = serializeEntity({ headers: payload.headers, body: new Uint8Array(0) });
  const hash = createHash('sha256');
  for await (const chunk of firstPart(open, partHead)) hash.update(chunk);
  const der = await signCmsDigest(new Uint8Array(hash.digest()), {
    certificate: options.certificate,
    privateKey: options.privateKey,
    detached: true,
    ...(options.chain ? { chain: options.chain } : {}),
    ...(options.signingTime ? { signingTime: options.signingTime } : {}),
  });
  const skeleton = createMultipart(
    'signed',
    [{ headers: payload.headers, body: Buffer.from(PLACEHOLDER) }, pkcs7SignatureEntity(der)],
    { params: { protocol: 'application/pkcs7-signature', micalg: 'sha-256' } },
  );
  const whole = Buffer.from(
    outer && outer.length > 0 ? joinMessage(outer, skeleton) : serializeEntity(skeleton),
  );
  const at = whole.indexOf(PLACEHOLDER);
  // The part's header section comes from firstPart, with the body.
  yield whole.subarray(0, at - partHead.length);
  yield* firstPart(open, partHead);
  yield whole.subarray(at + PLACEHOLDER.length);
}

/** Signs the message `open()` streams (called twice) and yields the signed message. */
export async function* signMimeStream(
  open: Open,
  options: SignMimeStreamOptions,
): AsyncGenerator<Uint8Array> {
  const head = await readHead(open);
  let outer: HeaderField[];
  let payload: MimeEntity;
  if (options.headerProtection === false) {
    ({ messageHeaders: outer, entity: payload } = splitMessage(head));
  } else {
    ({ outerHeaders: outer, payload } = protectHeaders(head, { mode: 'clear' }));
  }
  yield* signedEntity(open, payload, options, outer);
}

export interface SignEncryptMimeStreamOptions
  extends Omit<EncryptMimeOptions, 'sign' | 'contentEncryption'> {
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
  const head = await readHead(open);
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
  const inner = signedEntity(open, payload, options.sign, outer);
  const { sign: _sign, ...encrypt } = options;
  yield* encryptMimeStream(inner, { ...encrypt, headerProtection: false });
}

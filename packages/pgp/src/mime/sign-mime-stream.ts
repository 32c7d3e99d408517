/**
 * signMime for large messages (RFC 3156 §5 multipart/signed), on Web Streams: the message is
 * read once from `open()`, hashed by openpgp.js's streaming sign as the signed part is
 * written, so the body is never held. The
 * first part's bytes are the canonical input as it is (RFC 3156 §3: the caller gives 7-bit
 * clean, CRLF MIME, as toMimeStream's forSigning does); header protection as signMime.
 * verifyDetachedStream is the matching check over a streamed first part.
 */
import {
  canonicalizeLineEnds,
  createEntity,
  createMultipart,
  joinMessage,
  type MimeEntity,
  protectHeaders,
  serializeEntity,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';
import type { PublicKey } from '../keys/read-keys.js';
import { hashName } from '../message/hash-name.js';
import { signDetached, usableSigningKeyId } from '../message/sign-detached.js';
import { type SignatureStatus, toSignatureStatuses } from '../message/signature-status.js';
import { lineEnds, readHeaderSection } from './encrypt-mime-stream.js';
import { readInputMessage } from './input-message.js';
import { PGP_SIGNATURE } from './pgp-mime.js';
import type { SignMimeOptions } from './sign-mime.js';

export interface SignMimeStreamOptions extends SignMimeOptions {
  /** The message is already canonical, CRLF only: its line ends are passed through. */
  readonly canonical?: boolean;
}

const PLACEHOLDER = 'SEALPOST-STREAMED-SIGNED-BODY';
const SIGNATURE_PLACEHOLDER = 'SEALPOST-STREAMED-SIGNATURE';
const MAX_HEADER = 1024 * 1024;

/** The signed part's header bytes and the message's outer header fields. */
async function signedHead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  options: SignMimeOptions,
) {
  const { head, rest } = await readHeaderSection(reader, MAX_HEADER);
  const input = readInputMessage(head);
  let payload: MimeEntity = input.entity;
  let outerHeaders = input.messageHeaders;
  if (options.headerProtection !== false && input.messageHeaders.length > 0) {
    ({ payload, outerHeaders } = protectHeaders(head, { mode: 'clear' }));
  }
  const partHead = serializeEntity({ headers: payload.headers, body: new Uint8Array(0) });
  return { rest, partHead, payload, outerHeaders, hasHeaders: input.messageHeaders.length > 0 };
}

/** The signed part as a stream: its header section, then the body read on from `reader`. */
function signedPart(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  partHead: Uint8Array,
  rest: Uint8Array,
  canonicalInput: boolean | undefined,
): ReadableStream<Uint8Array> {
  const canonical = lineEnds(canonicalInput);
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first) {
        first = false;
        controller.enqueue(partHead);
        if (rest.length > 0) controller.enqueue(canonical(rest));
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(canonical(value));
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * The last Signature packet (tag 2) of a binary OpenPGP message, read as a stream: packet
 * framing only (RFC 9580 §4.2, old and new formats, partial body lengths), bodies skipped.
 */
async function lastSignaturePacket(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  let chunk: Uint8Array = new Uint8Array(0);
  let pos = 0;
  const fill = async (): Promise<boolean> => {
    while (pos >= chunk.length) {
      const r = await reader.read();
      if (r.done) return false;
      chunk = r.value;
      pos = 0;
    }
    return true;
  };
  const truncated = () => new Error('truncated OpenPGP packet');
  const byte = async (): Promise<number> => {
    if (!(await fill())) throw truncated();
    return chunk[pos++]!;
  };
  const take = async (length: number, keep: boolean): Promise<Uint8Array> => {
    const out = new Uint8Array(keep ? length : 0);
    for (let done = 0; done < length; ) {
      if (!(await fill())) throw truncated();
      const n = Math.min(length - done, chunk.length - pos);
      if (keep) out.set(chunk.subarray(pos, pos + n), done);
      pos += n;
      done += n;
    }
    return out;
  };
  const packet = (header: number[], body: Uint8Array) => {
    const out = new Uint8Array(header.length + body.length);
    out.set(header);
    out.set(body, header.length);
    return out;
  };
  let signature: Uint8Array | undefined;
  while (await fill()) {
    const first = await byte();
    if ((first & 0x80) === 0) throw new Error('not an OpenPGP packet');
    if ((first & 0x40) === 0) {
      // Old format: tag in bits 5-2, length type in bits 1-0 (3, indeterminate, never here).
      const tag = (first >> 2) & 0x0f;
      const octets = [1, 2, 4][first & 0x03];
      if (octets === undefined) throw new Error('indeterminate OpenPGP packet length');
      const header = [first];
      let length = 0;
      for (let i = 0; i < octets; i++) {
        const b = await byte();
        header.push(b);
        length = length * 256 + b;
      }
      const body = await take(length, tag === 2);
      if (tag === 2) signature = packet(header, body);
      continue;
    }
    const tag = first & 0x3f;
    for (let header = [first]; ; header = []) {
      const l1 = await byte();
      header.push(l1);
      let length: number;
      let partial = false;
      if (l1 < 192) length = l1;
      else if (l1 < 224) {
        const l2 = await byte();
        header.push(l2);
        length = ((l1 - 192) << 8) + l2 + 192;
      } else if (l1 === 255) {
        length = 0;
        for (let i = 0; i < 4; i++) {
          const b = await byte();
          header.push(b);
          length = length * 256 + b;
        }
      } else {
        length = 1 << (l1 & 0x1f);
        partial = true;
      }
      if (tag === 2 && partial) throw new Error('a Signature packet with a partial length');
      const body = await take(length, tag === 2);
      if (tag === 2) signature = packet(header, body);
      if (!partial) break;
    }
  }
  if (!signature) throw new Error('no Signature packet');
  return signature;
}

/** The signature part's bytes for an armored signature (RFC 3156 §5: application/pgp-signature). */
function signaturePart(armored: string) {
  return createEntity({
    contentType: PGP_SIGNATURE,
    params: { name: 'signature.asc' },
    body: canonicalizeLineEnds(new TextEncoder().encode(armored)),
    transferEncoding: '7bit',
    description: 'OpenPGP digital signature',
    disposition: 'attachment',
    filename: 'signature.asc',
  });
}

/**
 * Signs the message `open()` streams and resolves to the signed message, in one pass: the
 * signed part is written while it is hashed, and the signature part, which comes after it
 * (RFC 1847 §2.1), once the hash is done. The micalg parameter, written before the content,
 * is the hash openpgp.js picks for this key, learnt from a signature over nothing first and
 * checked against the real one.
 */
export async function signMimeStream(
  open: () => ReadableStream<Uint8Array>,
  options: SignMimeStreamOptions,
): Promise<ReadableStream<Uint8Array>> {
  const keyId = await usableSigningKeyId(options.signingKey, options.date);
  const date = options.date ? { date: options.date } : {};
  const probe = await signDetached(new Uint8Array(0), { signingKey: options.signingKey, ...date });
  const reader = open().getReader();
  const first = await signedHead(reader, options);
  const encoder = new TextEncoder();
  const skeleton = createMultipart(
    'signed',
    [
      { headers: first.payload.headers, body: encoder.encode(PLACEHOLDER) },
      signaturePart(SIGNATURE_PLACEHOLDER),
    ],
    { params: { protocol: PGP_SIGNATURE, micalg: `pgp-${probe.hashAlgorithm}` } },
  );
  const whole = new TextDecoder().decode(
    first.hasHeaders ? joinMessage(first.outerHeaders, skeleton) : serializeEntity(skeleton),
  );
  const at = whole.indexOf(PLACEHOLDER);
  const signatureAt = whole.indexOf(SIGNATURE_PLACEHOLDER);
  // Up to the end of the signed part's header section: the part head is written by signedPart.
  const upTo = encoder.encode(whole.slice(0, at));
  const prefix = upTo.subarray(0, upTo.length - first.partHead.length);
  const middle = encoder.encode(whole.slice(at + PLACEHOLDER.length, signatureAt));
  const suffix = encoder.encode(whole.slice(signatureAt + SIGNATURE_PLACEHOLDER.length));

  // The content goes to openpgp.js through an identity stream: `ready` waits until it has
  // taken the previous chunk, so at most a chunk or two is held.
  const toSigner = new TransformStream<Uint8Array, Uint8Array>();
  const feed = toSigner.writable.getWriter();
  let signature: Promise<openpgp.Signature>;
  try {
    // Signed inline, not detached: openpgp.js's detached signing of a stream keeps the unread
    // data stream whole in memory. The inline Signature packet is the same one (type 0x00 over
    // the data, RFC 9580 §5.2.4), so it is taken from the end of the output.
    const signed = (await openpgp.sign({
      message: await openpgp.createMessage({ binary: toSigner.readable }),
      signingKeys: options.signingKey,
      signingKeyIDs: keyId,
      format: 'binary',
      ...date,
      config: openPgpConfig({ rfc9580: options.signingKey.keyPacket.version === 6 }),
    })) as unknown as ReadableStream<Uint8Array>;
    signature = lastSignaturePacket(signed).then((binarySignature) =>
      openpgp.readSignature({ binarySignature }),
    );
  } catch (cause) {
    throw new SealpostError('ESIGN', 'The content could not be signed.', { cause });
  }
  // Read as the content is written; a failure is reported where it is awaited, at the end.
  signature.catch(() => {});
  const signatureBytes = async (): Promise<Uint8Array> => {
    let parsed: openpgp.Signature;
    try {
      parsed = await signature;
    } catch (cause) {
      throw new SealpostError('ESIGN', 'The content could not be signed.', { cause });
    }
    const hashAlgorithm = hashName(parsed.packets[0]!.hashAlgorithm);
    if (hashAlgorithm !== probe.hashAlgorithm) {
      throw new SealpostError(
        'EINTERNAL',
        `The signature's hash (${hashAlgorithm}) is not the one announced (${probe.hashAlgorithm}).`,
      );
    }
    return signaturePart(parsed.armor()).body;
  };
  const body = signedPart(reader, first.partHead, first.rest, options.canonical).getReader();
  let state: 'prefix' | 'body' | 'done' = 'prefix';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (state === 'prefix') {
        state = 'body';
        controller.enqueue(prefix);
        return;
      }
      const { done, value } = await body.read();
      if (!done) {
        await feed.ready;
        feed.write(value).catch(() => {});
        controller.enqueue(value);
        return;
      }
      state = 'done';
      await feed.close();
      const armored = await signatureBytes();
      controller.enqueue(middle);
      controller.enqueue(armored);
      controller.enqueue(suffix);
      controller.close();
    },
    cancel: async (reason) => {
      await feed.abort(reason).catch(() => {});
      await body.cancel(reason);
    },
  });
}

/** Verifies a detached OpenPGP signature over content given as a stream (RFC 3156 §5). */
export async function verifyDetachedStream(
  content: ReadableStream<Uint8Array>,
  armoredSignature: string | Uint8Array,
  verificationKeys: readonly PublicKey[],
): Promise<SignatureStatus[]> {
  const config = openPgpConfig({ rfc9580: true });
  let signature: openpgp.Signature;
  try {
    // A binary signature too (a part sent base64 without armor), as verifyDetached reads it.
    signature =
      typeof armoredSignature === 'string'
        ? await openpgp.readSignature({ armoredSignature, config })
        : await openpgp.readSignature({ binarySignature: armoredSignature, config });
  } catch (cause) {
    throw new SealpostError('EPGP_FORMAT', 'The signature part is not an OpenPGP signature.', {
      cause,
    });
  }
  const result = await openpgp.verify({
    message: await openpgp.createMessage({ binary: content }),
    signature,
    verificationKeys: [...verificationKeys],
    format: 'binary',
    config,
  });
  // The signatures are known once the content has been read through.
  const data = (result.data as unknown as ReadableStream<Uint8Array>).getReader();
  while (!(await data.read()).done) {}
  return toSignatureStatuses(result.signatures, verificationKeys);
}

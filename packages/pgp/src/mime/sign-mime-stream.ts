/**
 * signMime for large messages (RFC 3156 §5 multipart/signed), on Web Streams: the message is
 * read twice from `open()`, once to compute the detached signature with openpgp.js's
 * streaming sign and once to write the signed part, so neither pass holds the body. The
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
import { usableSigningKeyId } from '../message/sign-detached.js';
import { type SignatureStatus, toSignatureStatuses } from '../message/signature-status.js';
import { canonicalizer, readHeaderSection } from './encrypt-mime-stream.js';
import { readInputMessage } from './input-message.js';
import { PGP_SIGNATURE } from './pgp-mime.js';
import type { SignMimeOptions } from './sign-mime.js';

const PLACEHOLDER = 'SEALPOST-STREAMED-SIGNED-BODY';
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
): ReadableStream<Uint8Array> {
  const canonical = canonicalizer();
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

async function readText(stream: ReadableStream<string>): Promise<string> {
  let text = '';
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
  return text;
}

/** Signs the message `open()` streams (called twice) and resolves to the signed message. */
export async function signMimeStream(
  open: () => ReadableStream<Uint8Array>,
  options: SignMimeOptions,
): Promise<ReadableStream<Uint8Array>> {
  const keyId = await usableSigningKeyId(options.signingKey, options.date);
  const firstReader = open().getReader();
  const first = await signedHead(firstReader, options);
  let armored: string;
  let hashAlgorithm: string;
  try {
    const signature = (await openpgp.sign({
      message: await openpgp.createMessage({
        binary: signedPart(firstReader, first.partHead, first.rest),
      }),
      signingKeys: options.signingKey,
      signingKeyIDs: keyId,
      detached: true,
      format: 'armored',
      ...(options.date ? { date: options.date } : {}),
      config: openPgpConfig({ rfc9580: options.signingKey.keyPacket.version === 6 }),
    })) as unknown as ReadableStream<string> | string;
    armored = typeof signature === 'string' ? signature : await readText(signature);
    const parsed = await openpgp.readSignature({ armoredSignature: armored });
    hashAlgorithm = hashName(parsed.packets[0]!.hashAlgorithm);
  } catch (cause) {
    if (cause instanceof SealpostError) throw cause;
    throw new SealpostError('ESIGN', 'The content could not be signed.', { cause });
  }
  const signaturePart = createEntity({
    contentType: PGP_SIGNATURE,
    params: { name: 'signature.asc' },
    body: canonicalizeLineEnds(new TextEncoder().encode(armored)),
    transferEncoding: '7bit',
    description: 'OpenPGP digital signature',
    disposition: 'attachment',
    filename: 'signature.asc',
  });
  const encoder = new TextEncoder();
  const skeleton = createMultipart(
    'signed',
    [{ headers: first.payload.headers, body: encoder.encode(PLACEHOLDER) }, signaturePart],
    { params: { protocol: PGP_SIGNATURE, micalg: `pgp-${hashAlgorithm}` } },
  );
  const whole = new TextDecoder().decode(
    first.hasHeaders ? joinMessage(first.outerHeaders, skeleton) : serializeEntity(skeleton),
  );
  const at = whole.indexOf(PLACEHOLDER);
  // Up to the end of the signed part's header section: the part head is written by signedPart.
  const upTo = encoder.encode(whole.slice(0, at));
  const prefix = upTo.subarray(0, upTo.length - first.partHead.length);
  const suffix = encoder.encode(whole.slice(at + PLACEHOLDER.length));
  const reader = open().getReader();
  const { rest } = await readHeaderSection(reader, MAX_HEADER);
  const body = signedPart(reader, first.partHead, rest).getReader();
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
        controller.enqueue(value);
        return;
      }
      state = 'done';
      controller.enqueue(suffix);
      controller.close();
    },
    cancel: (reason) => body.cancel(reason),
  });
}

/** Verifies a detached OpenPGP signature over content given as a stream (RFC 3156 §5). */
export async function verifyDetachedStream(
  content: ReadableStream<Uint8Array>,
  armoredSignature: string,
  verificationKeys: readonly PublicKey[],
): Promise<SignatureStatus[]> {
  const config = openPgpConfig({ rfc9580: true });
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature, config });
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

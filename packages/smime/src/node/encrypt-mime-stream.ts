/// <reference types="node" />
/**
 * Streaming S/MIME encryption for large messages (Node only): AuthEnvelopedData with
 * AES-256-GCM written as BER with indefinite lengths (X.690 §8.1.3.6; RFC 5652 §1 allows BER,
 * as `openssl cms -stream` does), the encrypted content as a constructed OCTET STRING of
 * 64 KiB segments, base64-encoded on the fly. Memory stays constant whatever the size: only
 * the header section of the input is buffered.
 */
import { createCipheriv } from 'node:crypto';
import {
  base64LinesLength,
  canonicalizeLineEnds,
  type HeaderField,
  joinMessage,
  type MimeEntity,
  protectHeaders,
  serializeEntity,
  splitMessage,
  writeBase64Lines,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import { envelopeHeader } from '../cms/auth-enveloped-data.js';
import { contentEncryptionAlgorithm } from '../cms/content-encryption.js';
import { derLength, derOid, TAG } from '../cms/der.js';
import { buildRecipientInfos, CEK_BYTES } from '../cms/encrypt-cms.js';
import type { EncryptMimeOptions } from '../mime/encrypt-mime.js';
import { pkcs7MimeEntity } from '../mime/smime-entity.js';
import { OID } from '../oids.js';

const SEGMENT = 64 * 1024;
/** 57 input bytes make one 76-character base64 line (RFC 2045 §6.8). */
const LINE_BYTES = 57;
const MAX_HEADER_SECTION = 1024 * 1024;
const EOC = Buffer.from([0, 0]);

export interface EncryptMimeStreamOptions
  extends Omit<EncryptMimeOptions, 'sign' | 'contentEncryption'> {
  /**
   * The message is already canonical, CRLF only (as compose's toMimeStream writes it): its
   * line ends are passed through instead of being checked and rewritten.
   */
  readonly canonical?: boolean;
}

/** Splits the source into the header section (buffered, bounded) and the body chunks. */
export async function* headerThenBody(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<{ head?: Buffer; body?: Buffer }> {
  let pending = Buffer.alloc(0);
  let headDone = false;
  for await (const chunk of source) {
    if (headDone) {
      yield { body: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) };
      continue;
    }
    pending = Buffer.concat([pending, chunk]);
    const crlf = pending.indexOf('\r\n\r\n');
    const lf = pending.indexOf('\n\n');
    const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf + 4 : lf !== -1 ? lf + 2 : -1;
    if (end === -1) {
      if (pending.length > MAX_HEADER_SECTION) {
        throw new SealpostError(
          'ESMIME_FORMAT',
          'The message header section is larger than 1 MiB.',
        );
      }
      continue;
    }
    headDone = true;
    yield { head: pending.subarray(0, end) };
    if (end < pending.length) yield { body: pending.subarray(end) };
  }
  if (!headDone) yield { head: pending };
}

/**
 * Bare LF / CR to CRLF across chunk borders (RFC 5322 §2.3 canonical form). Scans with
 * Buffer.indexOf and copies untouched runs, so CRLF text costs one native search per line.
 */
export function lineEndCanonicalizer(): (chunk: Buffer) => Buffer {
  let lastWasCr = false;
  return (chunk) => {
    if (chunk.length === 0) return chunk;
    const pieces: Buffer[] = [];
    let start = 0;
    if (lastWasCr && chunk[0] !== 0x0a) pieces.push(Buffer.from([0x0a]));
    for (let i = 0; i < chunk.length; i++) {
      const lf = chunk.indexOf(0x0a, i);
      const cr = chunk.indexOf(0x0d, i);
      if (lf === -1 && cr === -1) break;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A CR: fine if an LF follows (or may follow in the next chunk).
        if (cr + 1 < chunk.length && chunk[cr + 1] !== 0x0a) {
          pieces.push(chunk.subarray(start, cr + 1), Buffer.from([0x0a]));
          start = cr + 1;
        }
        i = cr;
        continue;
      }
      const previous = lf > 0 ? chunk[lf - 1] : lastWasCr ? 0x0d : undefined;
      if (previous !== 0x0d) {
        pieces.push(chunk.subarray(start, lf), Buffer.from([0x0d]));
        start = lf;
      }
      i = lf;
    }
    lastWasCr = chunk[chunk.length - 1] === 0x0d;
    if (pieces.length === 0) return chunk;
    pieces.push(chunk.subarray(start));
    return Buffer.concat(pieces);
  };
}

/** Base64 with CRLF every 76 characters (RFC 2045 §6.8), across chunk borders. */
function base64Lines(): { push(bytes: Uint8Array): Buffer; end(): Buffer } {
  let carry = Buffer.alloc(0);
  const encode = (bytes: Buffer): Buffer => {
    if (bytes.length === 0) return Buffer.alloc(0);
    // compose's writer puts CRLF before each line: shifted by two, each line ends in one.
    const out = Buffer.allocUnsafe(base64LinesLength(bytes.length) + 2);
    const end = writeBase64Lines(bytes, out, 0);
    out[end] = 0x0d;
    out[end + 1] = 0x0a;
    return out.subarray(2, end + 2);
  };
  return {
    push(input) {
      const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      const all = carry.length ? Buffer.concat([carry, bytes]) : bytes;
      const whole = all.length - (all.length % LINE_BYTES);
      carry = Buffer.from(all.subarray(whole));
      return encode(all.subarray(0, whole));
    },
    end() {
      const out = encode(carry);
      carry = Buffer.alloc(0);
      return out;
    },
  };
}

/**
 * Encrypts a message read from `source` (any size) and yields the encrypted message.
 * Same result shape as encryptMime with the default AES-256-GCM; signing is not streamed.
 */
export async function* encryptMimeStream(
  source: AsyncIterable<Uint8Array>,
  options: EncryptMimeStreamOptions,
): AsyncGenerator<Uint8Array> {
  const parts = headerThenBody(source);
  const first = await parts.next();
  const head = canonicalizeLineEnds(first.value?.head ?? new Uint8Array(0));
  let outer: HeaderField[];
  let payload: MimeEntity;
  if (options.headerProtection === false) {
    ({ messageHeaders: outer, entity: payload } = splitMessage(head));
  } else {
    const hcp = options.hcp ?? 'baseline';
    ({ outerHeaders: outer, payload } = protectHeaders(head, { mode: 'cipher', hcp }));
  }
  const crypto = options.crypto ?? globalThis.crypto;
  const cek = crypto.getRandomValues(new Uint8Array(CEK_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const recipientInfos = await buildRecipientInfos(
    options.recipients,
    cek,
    options.rsaPadding ?? 'oaep',
    crypto,
  );
  const cipher = createCipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 });
  cek.fill(0);

  const h = envelopeHeader({
    kind: 'authEnvelopedData',
    recipientInfos,
    contentEncryptionAlgorithm: contentEncryptionAlgorithm('gcm', iv),
  });
  const indefinite = (tag: number) => Buffer.from([tag, 0x80]);
  const cmsHead = Buffer.concat([
    indefinite(TAG.sequence),
    derOid(OID.authEnvelopedData),
    indefinite(TAG.context0Constructed),
    indefinite(TAG.sequence),
    h.version,
    h.recipientInfos,
    indefinite(TAG.sequence),
    h.contentType,
    h.algorithm,
    indefinite(TAG.context0Constructed),
  ]);
  const b64 = base64Lines();
  const wrapper = pkcs7MimeEntity('authEnveloped-data', new Uint8Array(0));
  yield joinMessage(outer, wrapper);
  yield b64.push(cmsHead);

  let segment: Buffer = Buffer.alloc(0);
  const emit = (ciphertext: Buffer): Buffer => {
    segment = segment.length ? Buffer.concat([segment, ciphertext]) : ciphertext;
    if (segment.length < SEGMENT) return Buffer.alloc(0);
    const out = Buffer.concat([Buffer.from([TAG.octetString]), derLength(segment.length), segment]);
    segment = Buffer.alloc(0);
    return b64.push(out);
  };
  // The payload's header section (protected headers, hp="cipher"), then the body.
  const payloadHead = serializeEntity({ headers: payload.headers, body: new Uint8Array(0) });
  yield emit(cipher.update(payloadHead));
  const canonical = options.canonical ? (chunk: Buffer) => chunk : lineEndCanonicalizer();
  for (let next = await parts.next(); !next.done; next = await parts.next()) {
    if (next.value.body) yield emit(cipher.update(canonical(next.value.body)));
  }
  const last = Buffer.concat([segment, cipher.final()]);
  const tail: Uint8Array[] = [];
  if (last.length) tail.push(Buffer.from([TAG.octetString]), derLength(last.length), last);
  tail.push(EOC, EOC); // end of [0] encryptedContent, end of EncryptedContentInfo
  tail.push(Buffer.from([TAG.octetString, 16]), cipher.getAuthTag()); // mac
  tail.push(EOC, EOC, EOC); // AuthEnvelopedData, [0], ContentInfo
  yield b64.push(Buffer.concat(tail));
  yield b64.end();
}

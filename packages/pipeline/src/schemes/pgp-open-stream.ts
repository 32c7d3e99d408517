/**
 * The streamed receiving side of OpenPGP for large messages (issue 12): PGP/MIME decrypt
 * (RFC 3156 §4) and verify (§5) from the message file in constant memory, with the same checks
 * and results as pgp-open.ts. The plaintext leaves here unauthenticated; the pipeline holds it
 * in a private file until `checked` resolves (docs/decisions/0121).
 */
import { entityContentType, type HeaderField, type MimeEntity } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import * as pgp from '@sealpost/pgp';
import type { OpenKeys } from '../open/open-keys.js';
import type { SignatureLine } from '../open/opened-message.js';
import { signatureLines } from './pgp-open.js';
import type {
  LargeMessage,
  LocatedPart,
  StreamedOpening,
  StreamedOpenSide,
} from './streamed-open-side.js';

const PGP_ENCRYPTED = 'application/pgp-encrypted';
const PGP_SIGNATURE = 'application/pgp-signature';
const ARMOR_START = '-----BEGIN PGP';

function formatError(message: string): SealpostError {
  return new SealpostError('EPGP_FORMAT', message);
}

function webStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

async function* fromWeb(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The data whether armored or not: its first octets tell (as decryptMime's looksArmored). */
async function openPgpInput(chunks: AsyncIterable<Uint8Array>): Promise<pgp.DecryptStreamInput> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  while (length < 64) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    length += next.value.length;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* head;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  }
  const start = Buffer.concat(head).subarray(0, 64).toString('latin1').trimStart();
  if (!start.startsWith(`${ARMOR_START} MESSAGE-----`)) {
    return { armored: undefined, binary: webStream(all()) };
  }
  const text = (async function* () {
    for await (const chunk of all()) {
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
    }
  })();
  const iteratorText = text[Symbol.asyncIterator]();
  const armored = new ReadableStream<string>({
    async pull(controller) {
      const next = await iteratorText.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
  return { armored, binary: undefined };
}

/** The two parts of multipart/encrypted, checked as encryptedData does (RFC 3156 §4). */
async function encryptedDataPart(message: LargeMessage): Promise<LocatedPart> {
  const type = entityContentType(message.entity);
  if (
    type.mediaType !== 'multipart/encrypted' ||
    type.params.protocol?.toLowerCase() !== PGP_ENCRYPTED
  ) {
    throw formatError(
      'The message is not multipart/encrypted with protocol application/pgp-encrypted.',
    );
  }
  const parts = await message.parts();
  const [control, data] = parts;
  if (parts.length !== 2 || !control || !data) {
    throw formatError(`multipart/encrypted must have 2 parts, found ${parts.length}.`);
  }
  const version = await smallBody(message, control);
  if (
    entityContentType(control.entity).mediaType !== PGP_ENCRYPTED ||
    !/^\s*Version:\s*1\s*$/m.test(new TextDecoder().decode(version))
  ) {
    throw formatError('The first part is not application/pgp-encrypted with "Version: 1".');
  }
  if (entityContentType(data.entity).mediaType !== 'application/octet-stream') {
    throw formatError('The second part of multipart/encrypted is not application/octet-stream.');
  }
  return data;
}

/** A small part's decoded body (a control or signature part, at most 1 MiB). */
async function smallBody(message: LargeMessage, part: LocatedPart): Promise<Uint8Array> {
  if (part.bytes === null) throw formatError('A control or signature part is over 1 MiB.');
  const chunks: Uint8Array[] = [];
  for await (const chunk of message.decoded(part)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The signature part's content, armored text or binary packets (as verifyDetached reads it). */
function signatureInput(bytes: Uint8Array): string | Uint8Array {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  return head.startsWith(ARMOR_START) ? new TextDecoder().decode(bytes) : bytes;
}

/** The lines for statuses, each signer bound to From as pgp's withSenderCheck does. */
function binder(statuses: () => Promise<pgp.SignatureStatus[]>, keys: OpenKeys) {
  return async (headers: readonly HeaderField[]): Promise<readonly SignatureLine[]> =>
    signatureLines(await pgp.checkSignerAddress(await statuses(), keys.pgpPublicKeys, headers));
}

function isPgpSigned(entity: MimeEntity): boolean {
  const type = entityContentType(entity);
  return (
    type.mediaType === 'multipart/signed' && type.params.protocol?.toLowerCase() === PGP_SIGNATURE
  );
}

export const pgpStreamedOpenSide: StreamedOpenSide = {
  async decrypt(message, keys, options): Promise<StreamedOpening> {
    if (keys.pgpPrivateKeys.length === 0) {
      throw new SealpostError(
        'EUSAGE',
        'This is a PGP/MIME message: decrypting it needs an OpenPGP secret key.',
        { details: { scheme: 'pgp', missing: 'pgpPrivateKeys' } },
      );
    }
    const data = await encryptedDataPart(message);
    const decrypted = await pgp.decryptMessageStream(await openPgpInput(message.decoded(data)), {
      decryptionKeys: keys.pgpPrivateKeys,
      verificationKeys: keys.pgpPublicKeys,
      ...(options.rsaRawDecrypt ? { rsaRawDecrypt: options.rsaRawDecrypt } : {}),
    });
    let ended: () => void = () => {};
    let failed: (error: unknown) => void = () => {};
    const read = new Promise<void>((resolve, reject) => {
      ended = resolve;
      failed = reject;
    });
    async function* bytes(): AsyncGenerator<Uint8Array> {
      try {
        yield* fromWeb(decrypted.content);
        ended();
      } catch (error) {
        failed(error);
        throw error;
      }
    }
    // Only after the last octet (the MDC / AEAD tag) were the signature digests complete.
    const checked = read.then(() => ({
      encryption: null,
      integrity: decrypted.integrity,
      notes: [],
      signatures: binder(decrypted.checked, keys),
    }));
    checked.catch(() => {}); // the payload's reader reports the same error
    return { payload: { kind: 'stream', bytes: bytes() }, checked };
  },

  async verify(message, keys): Promise<StreamedOpening> {
    if (!isPgpSigned(message.entity)) {
      throw formatError(
        'The message is not multipart/signed with protocol application/pgp-signature.',
      );
    }
    const parts = await message.parts();
    // RFC 1847 §2.1: exactly two parts, the content and then the signature.
    const [content, signaturePart] = parts;
    if (parts.length !== 2 || !content || !signaturePart) {
      throw formatError(`multipart/signed must have 2 parts, found ${parts.length}.`);
    }
    if (entityContentType(signaturePart.entity).mediaType !== PGP_SIGNATURE) {
      throw formatError('The second part of multipart/signed is not application/pgp-signature.');
    }
    const signature = signatureInput(await smallBody(message, signaturePart));
    const statuses = await pgp.verifyDetachedStream(
      webStream(message.raw(content)),
      signature,
      keys.pgpPublicKeys,
    );
    return {
      payload: { kind: 'part', part: content },
      checked: Promise.resolve({
        encryption: null,
        integrity: null,
        notes: [],
        signatures: binder(async () => statuses, keys),
      }),
    };
  },
};

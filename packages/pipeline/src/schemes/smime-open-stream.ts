/**
 * The streamed receiving side of S/MIME for large messages (issue 12): decrypt (RFC 8551
 * §3.3, AuthEnvelopedData / EnvelopedData) and verify (§3.5.2 opaque, §3.5.3 multipart/signed)
 * from the message file in constant memory, with the same checks and results as
 * smime-open.ts. The plaintext leaves here unauthenticated; the pipeline holds it in a private
 * file until `checked` resolves (docs/decisions/0121, 0124). @sealpost/smime/node (pkijs) is
 * imported by smime-open.ts only when this side is loaded.
 */
import { entityContentType, type HeaderField } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type * as Smime from '@sealpost/smime';
import * as smimeNode from '@sealpost/smime/node';
import type { OpenKeys, OpenOptions } from '../open/open-keys.js';
import type { SignatureLine } from '../open/opened-message.js';
import { handover } from './plaintext-handover.js';
import { signatureLines } from './smime-open.js';
import type {
  LargeMessage,
  LocatedPart,
  StreamedFacts,
  StreamedOpening,
  StreamedOpenSide,
} from './streamed-open-side.js';

const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

function formatError(message: string): SealpostError {
  return new SealpostError('ESMIME_FORMAT', message);
}

/** The signature part's decoded body (small: a SignedData without content, at most 1 MiB). */
async function signatureDer(message: LargeMessage, part: LocatedPart): Promise<Uint8Array> {
  if (part.bytes === null)
    throw formatError('The signature part of multipart/signed is over 1 MiB.');
  const chunks: Uint8Array[] = [];
  for await (const chunk of message.decoded(part)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The lines for streamed signers, each bound to the From of the headers shown (RFC 8550 §3). */
function binder(format: 'detached' | 'opaque', signers: () => readonly Smime.SignerResult[]) {
  return async (headers: readonly HeaderField[]): Promise<readonly SignatureLine[]> =>
    signatureLines(smimeNode.streamedSignatureReport(format, signers(), headers));
}

function verifyOptions(keys: OpenKeys, options: OpenOptions): smimeNode.VerifyStreamOptions {
  return { trustAnchors: keys.smimeTrustAnchors, ...(options.now ? { now: options.now } : {}) };
}

/**
 * Runs a push-style streamed primitive against a pull-style payload. Returns once the
 * primitive wrote its first chunk (or ended): what it refuses before any content (not for
 * us, an unsupported cipher, a malformed header) is thrown here, as the in-memory path
 * throws it, never as an error about decrypted content.
 */
async function streamed<T>(
  run: (sink: smimeNode.PlaintextSink) => Promise<T>,
  facts: (result: T) => StreamedFacts,
): Promise<StreamedOpening> {
  const channel = handover();
  const done = run(channel.sink).then(
    (result) => {
      channel.end();
      return result;
    },
    (error: unknown) => {
      channel.fail(error);
      throw error;
    },
  );
  done.catch(() => {}); // the payload's reader reports the same error
  await channel.started;
  const checked = done.then(facts);
  checked.catch(() => {});
  return { payload: { kind: 'stream', bytes: channel.chunks }, checked };
}

export const smimeStreamedOpenSide: StreamedOpenSide = {
  async decrypt(message, keys, options): Promise<StreamedOpening> {
    if (keys.smimeIdentities.every((identity) => identity.certificates.length === 0)) {
      throw new SealpostError(
        'EUSAGE',
        'This is an S/MIME message: decrypting it needs a private key with its certificate.',
        { details: { scheme: 'smime', missing: 'smimeIdentities' } },
      );
    }
    if (message.layer.format !== 'smime-enveloped') {
      throw formatError('The message is not an S/MIME encrypted message (application/pkcs7-mime).');
    }
    // Node only, so PKCS#1 v1.5 key transport always has its raw RSA operation (decision 0124).
    const rsaRawDecrypt = options.rsaRawDecrypt ?? smimeNode.rsaRawDecrypt;
    return streamed(
      (sink) =>
        smimeNode.decryptEnvelopedStream(
          message.decoded(),
          {
            identities: keys.smimeIdentities,
            rsaRawDecrypt,
          },
          sink,
        ),
      (result) => ({
        encryption: {
          structure: result.structure,
          contentEncryptionOid: result.contentEncryptionOid,
          keyEncryptionOid: result.keyEncryptionOid,
        },
        integrity: result.integrity,
        // 3DES / RC2 content from older clients: readable, but say it is weak (never written).
        notes: result.weak && result.weakNote ? [result.weakNote] : [],
        // A signature inside is its own layer: the pipeline opens it with `verify`.
        signatures: async () => [],
      }),
    );
  },

  async verify(message, keys, options): Promise<StreamedOpening> {
    if (message.layer.format === 'smime-signed-opaque') {
      return streamed(
        (sink) =>
          smimeNode.verifyOpaqueStream(message.decoded(), verifyOptions(keys, options), sink),
        (result) => ({
          encryption: null,
          integrity: null,
          notes: [],
          signatures: binder('opaque', () => result.signers),
        }),
      );
    }
    if (message.layer.format !== 'smime-signed-detached') {
      throw formatError('The message is not an S/MIME signed message.');
    }
    const parts = await message.parts();
    // RFC 1847 §2.1: exactly two parts, the content and then the signature.
    const [content, signaturePart] = parts;
    if (parts.length !== 2 || !content || !signaturePart) {
      throw formatError('A multipart/signed entity must have exactly two parts.');
    }
    if (!SIGNATURE_TYPES.has(entityContentType(signaturePart.entity).mediaType.toLowerCase())) {
      throw formatError('The second part of multipart/signed is not application/pkcs7-signature.');
    }
    const { signers } = await smimeNode.verifyDetachedStream(
      message.raw(content),
      await signatureDer(message, signaturePart),
      verifyOptions(keys, options),
    );
    return {
      payload: { kind: 'part', part: content },
      checked: Promise.resolve({
        encryption: null,
        integrity: null,
        notes: [],
        signatures: binder('detached', () => signers),
      }),
    };
  },
};

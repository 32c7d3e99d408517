/**
 * encryptMime for large messages, on Web Streams (runtime-neutral): the body is never held
 * in memory as a whole. Only the header section is read up front (for RFC 9788 header
 * protection); the body flows through openpgp.js's streaming encryption into the armored
 * part of the RFC 3156 multipart/encrypted wrapper, armored by armorStream (CRLF lines).
 */
import { joinMessage, serializeEntity } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { armorStream } from '../message/armor-stream.js';
import { prepareEncryption } from '../message/encrypt-message.js';
import { type EncryptMimeOptions, encryptedWrapper, encryptionPayload } from './encrypt-mime.js';

export interface EncryptMimeStreamOptions extends EncryptMimeOptions {
  /** The header section may not be longer than this; default 1 MiB. */
  readonly maxHeaderBytes?: number;
  /**
   * The message is already canonical, CRLF only (as compose's toMimeStream writes it): its
   * line ends are passed through instead of being checked and rewritten octet by octet.
   */
  readonly canonical?: boolean;
}

/** The chunk rewrite for a message's line ends: none when the producer guarantees CRLF. */
export function lineEnds(canonical: boolean | undefined): (chunk: Uint8Array) => Uint8Array {
  return canonical ? (chunk) => chunk : canonicalizer();
}

const PLACEHOLDER = 'SEALPOST-STREAMED-CIPHERTEXT';

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Index just after the empty line that ends the header section (CRLF or bare LF), or -1. */
function headerEnd(bytes: Uint8Array): number {
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) {
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** Bare LF or CR to CRLF (RFC 5322 §2.3), across chunk boundaries. */
export function canonicalizer(): (chunk: Uint8Array) => Uint8Array {
  let previous = 0;
  return (chunk) => {
    let clean = true;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) {
      if ((i === 0 ? previous : chunk[i - 1]) !== 0x0d) {
        clean = false;
        break;
      }
    }
    if (clean && chunk.indexOf(0x0d) !== -1) {
      for (let i = chunk.indexOf(0x0d); i !== -1; i = chunk.indexOf(0x0d, i + 1)) {
        if (i + 1 < chunk.length && chunk[i + 1] !== 0x0a) {
          clean = false;
          break;
        }
      }
    }
    if (clean && previous === 0x0d && chunk[0] !== 0x0a && chunk.length > 0) clean = false;
    if (clean) {
      if (chunk.length > 0) previous = chunk[chunk.length - 1]!;
      return chunk;
    }
    const out: number[] = [];
    for (const b of chunk) {
      if (previous === 0x0d && b !== 0x0a) out.push(0x0a);
      if (b === 0x0a && previous !== 0x0d) out.push(0x0d);
      out.push(b);
      previous = b;
    }
    return Uint8Array.from(out);
  };
}

export async function readHeaderSection(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
): Promise<{ head: Uint8Array; rest: Uint8Array }> {
  let buffered: Uint8Array = new Uint8Array(0);
  for (;;) {
    const end = headerEnd(buffered);
    if (end !== -1) return { head: buffered.subarray(0, end), rest: buffered.subarray(end) };
    if (buffered.length > limit) {
      throw new SealpostError('EPGP_FORMAT', 'The message header section is too long.');
    }
    const { done, value } = await reader.read();
    if (done) {
      // A message with headers and no body.
      return {
        head: concat(buffered, new TextEncoder().encode('\r\n\r\n')),
        rest: new Uint8Array(0),
      };
    }
    buffered = concat(buffered, value);
  }
}

export async function encryptMimeStream(
  message: ReadableStream<Uint8Array>,
  options: EncryptMimeStreamOptions,
): Promise<ReadableStream<Uint8Array>> {
  const reader = message.getReader();
  const { head, rest } = await readHeaderSection(reader, options.maxHeaderBytes ?? 1024 * 1024);
  const { payload, outerHeaders } = encryptionPayload(head, options);
  const payloadHead = serializeEntity({ headers: payload.headers, body: new Uint8Array(0) });
  const canonical = lineEnds(options.canonical);
  let first = true;
  const plaintext = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first) {
        first = false;
        controller.enqueue(payloadHead);
        if (rest.length > 0) controller.enqueue(canonical(rest));
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(canonical(value));
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });

  const prepared = await prepareEncryption(options);
  let armored: ReadableStream<Uint8Array>;
  try {
    const binary = (await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: plaintext }),
      ...prepared,
      format: 'binary',
    })) as unknown as ReadableStream<Uint8Array>;
    armored = armorStream(binary);
  } catch (cause) {
    throw new SealpostError('EENCRYPT', 'The content could not be encrypted.', { cause });
  }

  const wrapper = encryptedWrapper(`${PLACEHOLDER}\r\n`);
  const whole = new TextDecoder().decode(
    outerHeaders.length > 0 ? joinMessage(outerHeaders, wrapper) : serializeEntity(wrapper),
  );
  const at = whole.indexOf(`${PLACEHOLDER}\r\n`);
  const encoder = new TextEncoder();
  const prefix = encoder.encode(whole.slice(0, at));
  const suffix = encoder.encode(whole.slice(at + PLACEHOLDER.length + 2));
  // The armor ends with its own CRLF, where the placeholder line's was.
  const armoredReader = armored.getReader();
  let state: 'prefix' | 'body' | 'done' = 'prefix';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (state === 'prefix') {
        state = 'body';
        controller.enqueue(prefix);
        return;
      }
      if (state === 'done') return;
      const { done, value } = await armoredReader.read();
      if (done) {
        state = 'done';
        controller.enqueue(suffix);
        controller.close();
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return armoredReader.cancel(reason);
    },
  });
}

/**
 * Message bodies in Redis, one string key per enqueue, written with APPEND and read with
 * GETRANGE in chunks so neither side holds the whole message. Bodies above `maxBodyBytes`
 * are refused (docs/decisions/0080-job-queue.md: no shared blob directory across hosts).
 */
import { Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import type { Redis } from 'ioredis';

const CHUNK = 256 * 1024;

export async function writeBody(
  redis: Redis,
  key: string,
  raw: Uint8Array | Readable,
  maxBodyBytes: number,
): Promise<number> {
  const tooLarge = () =>
    new SealpostError(
      'EJOB_TOO_LARGE',
      `The message is larger than the Redis queue accepts (${maxBodyBytes} bytes).`,
      { details: { maxBodyBytes } },
    );
  if (raw instanceof Uint8Array && raw.byteLength <= CHUNK) {
    // The common small message: one SET (the key is new: its name holds a fresh random token).
    if (raw.byteLength > maxBodyBytes) throw tooLarge();
    await redis.set(key, Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
    return raw.byteLength;
  }
  let size = 0;
  await redis.del(key);
  try {
    const source = raw instanceof Uint8Array ? Readable.from([raw]) : raw;
    for await (const chunk of source) {
      const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
      size += bytes.byteLength;
      if (size > maxBodyBytes) throw tooLarge();
      for (let at = 0; at < bytes.byteLength; at += CHUNK) {
        await redis.append(key, bytes.subarray(at, at + CHUNK));
      }
    }
    // An empty body still needs its key: APPEND of nothing creates none.
    if (size === 0) await redis.set(key, '');
  } catch (err) {
    await redis.del(key);
    throw err;
  }
  return size;
}

export function readBody(redis: Redis, key: string, size: number): Readable {
  async function* chunks() {
    for (let at = 0; at < size; at += CHUNK) {
      const part = await redis.getrangeBuffer(key, at, Math.min(size, at + CHUNK) - 1);
      if (part.byteLength === 0) {
        throw new SealpostError('EINTERNAL', 'The message body is missing from Redis.');
      }
      yield part;
    }
  }
  return Readable.from(chunks());
}

/** Reads a request body up to a limit; above it the request is refused (413) before it is all read. */
import type { IncomingMessage } from 'node:http';
import { SealpostError } from '@sealpost/errors';

export function tooLarge(limit: number): SealpostError {
  return new SealpostError(
    'EJOB_TOO_LARGE',
    `The request body is larger than the worker accepts (${limit} bytes, --max-body).`,
  );
}

export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * A Web ReadableStream over a Node stream, for openpgp.js, without `Readable.toWeb`'s copy:
 * Node 20's adapter copies every Buffer chunk into a new Uint8Array (to detach it from the
 * Buffer pool), 140 MB of copies for a 100 MiB attachment. The chunks are handed on as they
 * are; nothing here transfers or keeps them.
 */
import type { Readable } from 'node:stream';

export function webReadable(node: Readable): ReadableStream<Uint8Array> {
  const chunks = node[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      node.destroy(reason instanceof Error ? reason : undefined);
      await chunks.return?.();
    },
  });
}

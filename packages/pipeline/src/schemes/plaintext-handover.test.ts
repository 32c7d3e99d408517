// The handover from a push-style sink to a pull-style stream: one chunk in flight, the writer's
// error reaches the reader, and a reader that stops makes the writer stop.
import { describe, expect, it } from 'vitest';
import { handover, ReaderGone } from './plaintext-handover.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('handover', () => {
  it('hands each chunk over when asked, and the writer waits for the reader', async () => {
    const channel = handover();
    const written: number[] = [];
    const writer = (async () => {
      for (const n of [1, 2, 3]) {
        await channel.sink(bytes(n));
        written.push(n);
      }
      channel.end();
    })();
    await channel.started;
    const iterator = channel.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(bytes(1));
    // The reader holds chunk 1: the writer has not gone on.
    await new Promise((r) => setTimeout(r, 10));
    expect(written).toEqual([]);
    expect((await iterator.next()).value).toEqual(bytes(2));
    expect(written).toEqual([1]);
    const rest: Uint8Array[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rest.push(next.value);
    }
    expect(rest).toEqual([bytes(3)]);
    await writer;
    expect(written).toEqual([1, 2, 3]);
  });

  it("the writer's failure is the reader's error, and `started` rejects before any chunk", async () => {
    const early = handover();
    early.fail(new Error('not for us'));
    await expect(early.started).rejects.toThrow('not for us');
    const late = handover();
    const writer = (async () => {
      await late.sink(bytes(1));
      late.fail(new Error('tag'));
    })();
    await late.started;
    const read = (async () => {
      for await (const _ of late.chunks);
    })();
    await expect(read).rejects.toThrow('tag');
    await writer;
  });

  it('a reader that stops makes the pending and every later write reject', async () => {
    const channel = handover();
    const first = channel.sink(bytes(1));
    for await (const _ of channel.chunks) break;
    await expect(first).rejects.toBeInstanceOf(ReaderGone);
    await expect(channel.sink(bytes(2))).rejects.toBeInstanceOf(ReaderGone);
  });
});

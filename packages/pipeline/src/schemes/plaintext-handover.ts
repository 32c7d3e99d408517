/**
 * A push-style plaintext sink (what @sealpost/smime/node's streamed decryption and opaque
 * verification write to, RFC 5652 §5–6 content as it passes) read as a pull-style stream,
 * one chunk at a time: the writer waits until the reader asks for the next chunk, so memory
 * stays at one chunk and a chunk is never reused while the reader still holds it.
 */

export interface Handover {
  /** The writer's side: resolves when the reader has taken the chunk and asked for more. */
  sink(chunk: Uint8Array): Promise<void>;
  /** The writer is done (the last chunk was written) or failed (the reader throws `error`). */
  end(): void;
  fail(error: unknown): void;
  /** Resolves at the first chunk or at the end, rejects when the writer failed before either. */
  readonly started: Promise<void>;
  /** The reader's side (one reader). */
  readonly chunks: AsyncIterable<Uint8Array>;
}

/** Thrown into a writer whose reader has gone: it stops reading its input. */
export class ReaderGone extends Error {
  constructor() {
    super('The reader of the content stopped.');
  }
}

export function handover(): Handover {
  let wake: () => void = () => {};
  let waiting = new Promise<void>((resolve) => {
    wake = resolve;
  });
  let chunk: Uint8Array | null = null;
  let taken: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  let finished: { error: unknown } | null = null;
  let gone = false;
  let begin: { resolve: () => void; reject: (e: unknown) => void } = {
    resolve: () => {},
    reject: () => {},
  };
  const started = new Promise<void>((resolve, reject) => {
    begin = { resolve, reject };
  });
  started.catch(() => {}); // the reader, or the caller awaiting `started`, reports it
  const signal = () => {
    const next = wake;
    waiting = new Promise<void>((resolve) => {
      wake = resolve;
    });
    next();
  };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        while (chunk === null && finished === null) await waiting;
        if (chunk !== null) {
          const out = chunk;
          chunk = null;
          yield out;
          // Asked for the next one: the reader is done with `out`.
          const writer = taken;
          taken = null;
          writer?.resolve();
          continue;
        }
        if (finished && finished.error !== undefined) throw finished.error;
        return;
      }
    } finally {
      gone = true;
      taken?.reject(new ReaderGone());
      taken = null;
    }
  }
  return {
    sink(next) {
      if (gone) return Promise.reject(new ReaderGone());
      begin.resolve();
      return new Promise<void>((resolve, reject) => {
        chunk = next;
        taken = { resolve, reject };
        signal();
      });
    },
    end() {
      finished = { error: undefined };
      begin.resolve();
      signal();
    },
    fail(error) {
      finished = { error };
      begin.reject(error);
      signal();
    },
    started,
    chunks: chunks(),
  };
}

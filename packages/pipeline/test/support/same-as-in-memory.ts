// For the openMessageFile tests of both schemes: a message opened from its file must give what
// openMessage gives for its bytes — the same facts in the same order (the CLI prints either
// as the same JSON, decision 0142), the same inner message released and read back, and
// nothing left in the spool.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { OpenKeys, OpenOptions } from '../../src/open/open-keys.js';
import { openMessage } from '../../src/open/open-message.js';
import { openMessageFile } from '../../src/open/open-message-file-entry.js';

export interface SameAsInMemoryCase {
  readonly bytes: Uint8Array;
  readonly keys: OpenKeys;
  readonly options?: OpenOptions;
  /** Where the message file is written, and where its inner message is released. */
  readonly path: string;
  readonly out: string;
  readonly spoolBase: string;
}

/** Opens the case's bytes both ways, checks the streamed result equals the in-memory one. */
export async function expectSameAsInMemory(c: SameAsInMemoryCase) {
  writeFileSync(c.path, c.bytes);
  const expected = await openMessage(c.bytes, c.keys, c.options);
  const opened = await openMessageFile(c.path, c.keys, { ...c.options, spoolBase: c.spoolBase });
  try {
    const { message, ...facts } = expected;
    const { messageSize, release, readMessage, dispose, ...streamed } = opened;
    expect(streamed).toEqual(facts);
    expect(Object.keys(streamed)).toEqual(Object.keys(facts));
    expect(messageSize).toBe(message.length);
    await opened.release(c.out);
    expect(readFileSync(c.out).equals(Buffer.from(message))).toBe(true);
    const chunks: Uint8Array[] = [];
    for await (const chunk of opened.readMessage()) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(Buffer.from(message))).toBe(true);
    expect(statSync(c.out).mode & 0o777).toBe(0o600);
    await expect(opened.release(c.out)).rejects.toMatchObject({ code: 'EEXIST' });
  } finally {
    await opened.dispose();
  }
  expect(readdirSync(c.spoolBase)).toEqual([]);
  return opened;
}

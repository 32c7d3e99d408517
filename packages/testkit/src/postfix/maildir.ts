/** Reading what Postfix's virtual(8) agent delivered into a Maildir (new/ then cur/). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './detached-process.js';

export interface DeliveredMessage {
  /** Absolute path of the delivered file. */
  readonly file: string;
  /** The file's bytes exactly as stored (Postfix adds Return-Path, X-Original-To, Delivered-To, Received; LF line ends). */
  readonly raw: Buffer;
}

/** Every message in the Maildir, oldest first. */
export function readMaildir(maildir: string): DeliveredMessage[] {
  const files: { file: string; mtime: number }[] = [];
  for (const sub of ['new', 'cur']) {
    let names: string[];
    try {
      names = readdirSync(join(maildir, sub));
    } catch {
      continue; // Created on first delivery.
    }
    for (const name of names) {
      const file = join(maildir, sub, name);
      files.push({ file, mtime: statSync(file).mtimeMs });
    }
  }
  files.sort((a, b) => a.mtime - b.mtime || a.file.localeCompare(b.file));
  return files.map(({ file }) => ({ file, raw: readFileSync(file) }));
}

/** Waits until at least `count` messages are there (delivery is asynchronous after 250 OK). */
export async function waitForMaildir(
  maildir: string,
  count: number,
  timeoutMs = 10_000,
): Promise<DeliveredMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = readMaildir(maildir);
    if (messages.length >= count) return messages;
    if (Date.now() > deadline) {
      throw new Error(
        `expected ${count} message(s) in ${maildir} within ${timeoutMs} ms, found ${messages.length}`,
      );
    }
    await sleep(25);
  }
}

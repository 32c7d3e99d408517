/**
 * A built copy kept in a private temporary file instead of memory (issue 12): what sendBuilt
 * streams to the transport and `--out` copies. The bytes are exactly those self-checked.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { copyFile, link, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** The read (and write buffer) size for spool files; a few are in flight at most. */
export const SPOOL_READ = 256 * 1024;

export class SpooledCopy {
  /** The file in the private spool directory; removed with it. */
  readonly path: string;
  /** Its size in octets. */
  readonly size: number;
  constructor(path: string, size: number) {
    this.path = path;
    this.size = size;
  }
  /** A fresh stream of the bytes; each call reads the file again from the start. */
  stream(): Readable {
    // 256 KiB reads: 64 KiB ones cost twice the CPU for a large copy (1 MiB ones raised the
    // peak RSS of a 1 GiB send by ~20 MB for no measurable gain).
    return createReadStream(this.path, { highWaterMark: SPOOL_READ });
  }
}

/** The bytes of a copy as the transport takes them: in memory, or a stream of its file. */
export function rawForTransport(raw: Uint8Array | SpooledCopy): Uint8Array | Readable {
  return raw instanceof SpooledCopy ? raw.stream() : raw;
}

/** The size of a copy in octets, in memory or spooled. */
export function rawSize(raw: Uint8Array | SpooledCopy): number {
  return raw instanceof SpooledCopy ? raw.size : raw.length;
}

/** Spool files already given a second name by writeCopy (a TLS-only copy's file is shared). */
const linked = new Set<string>();

export interface WriteCopyOptions {
  /**
   * Nothing reads the copy after this (a dry run): a spooled copy is then given `path` as a
   * second name (a hard link: the same checked bytes, mode 0600, nothing copied) when `path`
   * does not exist and is on the spool's file system; otherwise it is copied as always.
   */
  readonly lastUse?: boolean;
}

/** Writes a copy's exact bytes to `path` (e.g. `--out`), without reading a spooled one into memory. */
export async function writeCopy(
  raw: Uint8Array | SpooledCopy,
  path: string,
  options: WriteCopyOptions = {},
): Promise<void> {
  if (!(raw instanceof SpooledCopy)) {
    await writeFile(path, raw);
    return;
  }
  if (options.lastUse && !linked.has(raw.path)) {
    try {
      await link(raw.path, path);
      linked.add(raw.path);
      return;
    } catch {
      // An existing file (overwritten by the copy below, as before), another file system, or
      // one without hard links.
    }
  }
  await copyFile(raw.path, path);
}

/** Enough of a copy to read its header section (a spooled one is not read into memory). */
export function headerSection(raw: Uint8Array | SpooledCopy, limit = 256 * 1024): Uint8Array {
  if (!(raw instanceof SpooledCopy)) return raw;
  const buffer = Buffer.alloc(Math.min(limit, raw.size));
  const fd = openSync(raw.path, 'r');
  try {
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, read);
    const end = head.indexOf('\r\n\r\n');
    return new Uint8Array(end === -1 ? head : head.subarray(0, end + 4));
  } finally {
    closeSync(fd);
  }
}

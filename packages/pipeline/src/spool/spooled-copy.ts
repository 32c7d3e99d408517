/**
 * A built copy kept in a private temporary file instead of memory (issue 12): what sendBuilt
 * streams to the transport and `--out` copies. The bytes are exactly those self-checked.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
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

/** Writes a copy's exact bytes to `path` (e.g. `--out`), without reading a spooled one into memory. */
export async function writeCopy(raw: Uint8Array | SpooledCopy, path: string): Promise<void> {
  if (raw instanceof SpooledCopy) await copyFile(raw.path, path);
  else await writeFile(path, raw);
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

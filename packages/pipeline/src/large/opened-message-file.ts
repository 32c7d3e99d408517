/**
 * The result of opening a large message (issue 12): everything `openMessage` says about it,
 * with the inner message in a private temporary file instead of memory. It is released to a
 * file of the caller's only by `release`, which the caller calls after its own checks (the
 * signature and integrity verdicts); `dispose` removes the temporary file whatever happened.
 */
import { constants, createReadStream } from 'node:fs';
import { copyFile, link } from 'node:fs/promises';
import { SealpostError } from '@sealpost/errors';
import type { OpenedMessage } from '../open/opened-message.js';
import type { SpoolDir } from '../spool/spool-dir.js';

export interface OpenedMessageFile extends Omit<OpenedMessage, 'message'> {
  /** The inner message's size in octets. */
  readonly messageSize: number;
  /**
   * Moves the inner message to `path`, which must not exist yet (then it fails with EEXIST
   * and nothing is written); the file keeps mode 0600. Fails after `dispose`.
   */
  release(path: string): Promise<void>;
  /**
   * The inner message's octets read back from the private file in chunks, for a message the
   * caller prints (decision 0142): call it after your checks, as `release`. Fails after
   * `dispose`, and with EINTERNAL when opened with keepMessage: false.
   */
  readMessage(): AsyncIterable<Uint8Array>;
  /** Removes the private temporary directory and the plaintext in it; safe to call twice. */
  dispose(): Promise<void>;
}

function notKept(): SealpostError {
  return new SealpostError('EINTERNAL', 'The message was opened with keepMessage: false.');
}

/** Builds the result over the inner message file in `spool`. */
export function openedMessageFile(
  opened: Omit<OpenedMessage, 'message'>,
  innerPath: string | null,
  messageSize: number,
  spool: SpoolDir,
): OpenedMessageFile {
  return {
    ...opened,
    messageSize,
    async release(path) {
      if (innerPath === null) throw notKept();
      try {
        // A hard link never replaces an existing file and never exposes a partial one.
        await link(innerPath, path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
        // Another file system: a copy that fails when `path` exists (mode 0600 with the file).
        await copyFile(innerPath, path, constants.COPYFILE_EXCL);
      }
    },
    readMessage() {
      if (innerPath === null) throw notKept();
      return createReadStream(innerPath);
    },
    dispose: () => spool.remove(),
  };
}

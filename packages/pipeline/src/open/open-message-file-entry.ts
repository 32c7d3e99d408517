/**
 * The streamed recipient path for large messages (issue 12), loaded only when a message is
 * above the threshold: a small message's open never imports the file readers (src/large/).
 */
import type { ProtectionLayer } from '@sealpost/compose';
import type { OpenFileOptions } from '../large/open-message-file.js';
import type { OpenedMessageFile } from '../large/opened-message-file.js';
import type { OpenKeys } from './open-keys.js';

export type { OpenFileOptions } from '../large/open-message-file.js';
export type { OpenedMessageFile } from '../large/opened-message-file.js';

/**
 * Above this many octets a message file is opened streamed (openMessageFile) instead of read
 * into memory (decision 0121). An 8 MiB message opened in memory peaks at ~150 MB of RSS.
 */
export const LARGE_MESSAGE_THRESHOLD = 8 * 1024 * 1024;

/**
 * Opens the PGP/MIME or S/MIME message in `path` in constant memory: decrypts or verifies it
 * as a stream, the inner message in a private temporary file released by `release(out)` only
 * (call it after your own checks), removed by `dispose()` (and on exit or a signal).
 * Same facts as openMessage; EINTERNAL for a layer `streamedProtection` did not accept.
 */
export async function openMessageFile(
  path: string,
  keys: OpenKeys,
  options: OpenFileOptions = {},
): Promise<OpenedMessageFile> {
  return (await import('../large/open-message-file.js')).openMessageFile(path, keys, options);
}

/** The layer of the message in `path` when openMessageFile can open it; null: use openMessage. */
export async function streamedProtection(path: string): Promise<ProtectionLayer | null> {
  return (await import('../large/streamed-protection.js')).streamedProtection(path);
}

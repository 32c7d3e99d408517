/**
 * The streamed recipient path for large messages (issue 12), loaded only when a message is
 * above the threshold: a small message's open never imports the file readers (src/large/).
 */
import type { ProtectionLayer } from '@sealpost/compose';
import { isSealpostError } from '@sealpost/errors';
import type { OpenFileOptions } from '../large/open-message-file.js';
import type { OpenedMessageFile } from '../large/opened-message-file.js';
import type { OpenKeys } from './open-keys.js';

export type { OpenFileOptions } from '../large/open-message-file.js';
export type { OpenedMessageFile } from '../large/opened-message-file.js';

/**
 * Above this many octets a message is too large to print or to hold whole: `decrypt` needs
 * `--out`, `verify` shows no body, and what the streamed path refuses is the answer
 * (decisions 0121, 0123, 0142).
 */
export const LARGE_MESSAGE_THRESHOLD = 8 * 1024 * 1024;

/**
 * Above this many octets (the send side's spool threshold, decision 0105) a message file is
 * opened streamed (openMessageFile) rather than read into memory: in memory a 7.5 MiB message
 * peaks higher than a 1 GiB one streamed (decision 0142). Up to LARGE_MESSAGE_THRESHOLD what
 * the streamed path refuses is opened in memory instead (`streamedRefusal`).
 */
export const STREAMED_OPEN_THRESHOLD = 1024 * 1024;

/**
 * Whether an error of openMessageFile leaves the answer to openMessage of the same bytes
 * (decision 0142): true for all but a verdict on the content, which openMessage gives alike
 * (same code and text) after the same work — EDECRYPT (a changed ciphertext or no matching
 * key, decision 0121) and ESMIME_DECRYPT about the content (the tag or the padding, 0126).
 * True for what streaming cannot check (ESMIME_UNSUPPORTED: authAttrs, signers without
 * signed attributes; EMIME: quoted-printable; a signature part over 1 MiB), "not for us"
 * (its text names every certificate tried, the in-memory one the last), a spool that cannot
 * be written, and anything unexpected.
 */
export function streamedRefusal(error: unknown): boolean {
  if (!isSealpostError(error)) return true;
  if (error.code === 'EDECRYPT') return false;
  if (error.code === 'ESMIME_DECRYPT') return error.details?.recipients !== undefined;
  return true;
}

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

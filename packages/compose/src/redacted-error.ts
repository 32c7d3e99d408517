/**
 * Errors about decrypted content must not carry that content (EFAIL-style exfiltration via
 * logs, bug reports and `--json` output): parsers quote the line they stumbled on, which is
 * right for a message the user wrote and wrong for one we just decrypted.
 */
import { type ErrorCode, SealpostError } from '@sealpost/errors';

export interface RedactOptions {
  /** What was being read, for the message: e.g. "decrypted S/MIME content". */
  readonly where: string;
  /** The code for an error that is not a SealpostError. */
  readonly fallbackCode: ErrorCode;
  /** Codes whose messages and details are written without content by the caller's package. */
  readonly keepMessage?: readonly ErrorCode[];
}

/**
 * The same failure (same code) without its cause chain, and with the message replaced unless
 * the code is one whose message is known to quote nothing from the content.
 */
export function redactedError(error: unknown, options: RedactOptions): SealpostError {
  const code = error instanceof SealpostError ? error.code : options.fallbackCode;
  if (error instanceof SealpostError && options.keepMessage?.includes(code)) {
    return new SealpostError(code, error.message, error.details ? { details: error.details } : {});
  }
  return new SealpostError(
    code,
    `The ${options.where} is malformed (${code}); it is not quoted here because it was encrypted.`,
    { details: { where: options.where, reason: code } },
  );
}

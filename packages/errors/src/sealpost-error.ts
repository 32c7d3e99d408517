import type { ErrorCategory } from './codes/entry.js';
import { ERROR_CODES, type ErrorCode } from './codes.js';

/** SMTP context carried by transport errors (as nodemailer does: command, responseCode, response). */
export interface SmtpContext {
  /** The SMTP command that got the reply, e.g. "RCPT TO" (never its secret arguments). */
  readonly command?: string;
  /** The three-digit reply code, e.g. 454. */
  readonly responseCode?: number;
  /** The server's reply text, as received (servers do not echo secrets). */
  readonly response?: string;
}

export interface SealpostErrorOptions extends SmtpContext {
  readonly cause?: unknown;
  /**
   * Structured facts for reports and `--json` (e.g. `{ rejected: ['a@x.test'] }`).
   * Never put secrets here: errors are logged and serialised.
   */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The JSON form of an error, as the CLI prints with `--json` and the worker stores. */
export interface SealpostErrorJson {
  readonly name: 'SealpostError';
  readonly code: ErrorCode;
  readonly message: string;
  readonly action: string;
  readonly category: ErrorCategory;
  readonly retry: 'transient' | 'permanent' | 'ambiguous';
  readonly command?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The one error type of sealpost. `code` comes from ERROR_CODES and is stable; `message`
 * says what happened in this instance; `action` (from the table) says what to do next.
 */
export class SealpostError extends Error {
  override readonly name = 'SealpostError';
  readonly code: ErrorCode;
  readonly command?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: SealpostErrorOptions = {}) {
    if (!Object.hasOwn(ERROR_CODES, code)) {
      // A typo in a code would otherwise surface as a mystery to the user: fail loudly here.
      throw new TypeError(`SealpostError: unknown error code ${JSON.stringify(code)}`);
    }
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.command !== undefined) this.command = options.command;
    if (options.responseCode !== undefined) this.responseCode = options.responseCode;
    if (options.response !== undefined) this.response = options.response;
    if (options.details !== undefined) this.details = options.details;
  }

  /** What the user should do next, from the code table. */
  get action(): string {
    return ERROR_CODES[this.code].action;
  }

  get category(): ErrorCategory {
    return ERROR_CODES[this.code].category;
  }

  toJSON(): SealpostErrorJson {
    const entry = ERROR_CODES[this.code];
    return {
      name: 'SealpostError',
      code: this.code,
      message: this.message,
      action: entry.action,
      category: entry.category,
      retry: entry.retry,
      ...(this.command === undefined ? {} : { command: this.command }),
      ...(this.responseCode === undefined ? {} : { responseCode: this.responseCode }),
      ...(this.response === undefined ? {} : { response: this.response }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isSealpostError(err: unknown): err is SealpostError {
  return err instanceof SealpostError;
}

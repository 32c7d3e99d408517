/**
 * The shape of one row of the error-code table.
 *
 * `retry` drives `isTransient()` / `isPermanent()`: callers decide on retries from it and
 * never from message text. `ambiguous` means the operation may or may not have taken effect
 * (for example the connection dropped after the final "." of DATA): retrying could deliver
 * twice, giving up could lose the message, so a human or an idempotent queue must decide.
 *
 * `category` groups codes for the command line's exit codes (docs/design.md §6).
 */
export interface ErrorCodeEntry {
  /** What happened, in one line. */
  readonly description: string;
  /** What the user should do next, in one line. */
  readonly action: string;
  readonly retry: 'transient' | 'permanent' | 'ambiguous';
  readonly category: ErrorCategory;
}

export type ErrorCategory =
  | 'usage' // the caller asked for something malformed (CLI exit 2)
  | 'policy' // refused by a security policy, e.g. a required key is missing (exit 3)
  | 'transport' // connecting, TLS, SMTP (exit 4)
  | 'crypto' // keys, certificates, encryption, signatures (exit 5)
  | 'input' // the message itself is malformed (exit 6)
  | 'internal'; // a bug or an unexpected state (exit 1)

/** Keeps the literal keys of a section while checking each row's shape. */
export function defineCodes<const T extends Record<string, ErrorCodeEntry>>(codes: T): T {
  return codes;
}

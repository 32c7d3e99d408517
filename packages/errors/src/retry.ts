import { ERROR_CODES } from './codes.js';
import { isSealpostError } from './sealpost-error.js';

function retryClass(err: unknown): 'transient' | 'permanent' | 'ambiguous' | undefined {
  if (!isSealpostError(err)) return undefined;
  // An SMTP reply code is the server's own word on retrying (RFC 5321 §4.2.1): 4yz is a
  // transient negative completion, 5yz a permanent one. It wins over the code's default,
  // except for "ambiguous", which no reply code can settle.
  const tableClass = ERROR_CODES[err.code].retry;
  if (tableClass === 'ambiguous') return tableClass;
  if (err.responseCode !== undefined) {
    if (err.responseCode >= 400 && err.responseCode < 500) return 'transient';
    if (err.responseCode >= 500 && err.responseCode < 600) return 'permanent';
  }
  return tableClass;
}

/** True when trying the same thing again later may succeed (4xx, timeouts, refused connections). */
export function isTransient(err: unknown): boolean {
  return retryClass(err) === 'transient';
}

/** True when trying the same thing again will fail the same way. Unknown errors are permanent. */
export function isPermanent(err: unknown): boolean {
  const cls = retryClass(err);
  return cls === 'permanent' || cls === undefined;
}

/**
 * True when the operation may or may not have taken effect (e.g. the connection dropped after
 * the end of DATA). Neither retry blindly (double delivery) nor drop (loss).
 */
export function isAmbiguous(err: unknown): boolean {
  return retryClass(err) === 'ambiguous';
}

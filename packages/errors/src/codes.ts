import { COMPOSE_CODES } from './codes/compose.js';
import type { ErrorCodeEntry } from './codes/entry.js';
import { GENERAL_CODES } from './codes/general.js';
import { KEYSTORE_CODES } from './codes/keystore.js';
import { PGP_CODES } from './codes/pgp.js';
import { PIPELINE_CODES } from './codes/pipeline.js';
import { QUEUE_CODES } from './codes/queue.js';
import { SMIME_CODES } from './codes/smime.js';
import { TRANSPORT_CODES } from './codes/transport.js';

/**
 * Every section of the table, by the package that raises its codes. Each package owns its
 * section file; the union below is the one table users see (docs/error-codes.md).
 */
export const ERROR_CODE_SECTIONS = {
  general: GENERAL_CODES,
  compose: COMPOSE_CODES,
  transport: TRANSPORT_CODES,
  pgp: PGP_CODES,
  smime: SMIME_CODES,
  keystore: KEYSTORE_CODES,
  pipeline: PIPELINE_CODES,
  queue: QUEUE_CODES,
} as const;

/**
 * The one table of stable error codes. A code, once released, keeps its meaning: renaming or
 * removing one is a major change (docs/decisions/0002-error-codes.md).
 */
export const ERROR_CODES = Object.freeze({
  ...GENERAL_CODES,
  ...COMPOSE_CODES,
  ...TRANSPORT_CODES,
  ...PGP_CODES,
  ...SMIME_CODES,
  ...KEYSTORE_CODES,
  ...PIPELINE_CODES,
  ...QUEUE_CODES,
});

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function describeCode(code: ErrorCode): ErrorCodeEntry {
  return ERROR_CODES[code];
}

/** Turns an attempt's outcome into the history entry the API shows (no secrets: errors never carry any). */
import { isSealpostError } from '@sealpost/errors';
import type { Attempt } from './job-queue.js';

export function attemptFromError(error: unknown, dataSent: boolean, at = new Date()): Attempt {
  const base = { at: at.toISOString(), ...(dataSent ? { dataSent: true } : {}) };
  if (isSealpostError(error)) {
    return {
      ...base,
      code: error.code,
      ...(error.responseCode === undefined ? {} : { responseCode: error.responseCode }),
      response: error.response ?? error.message,
    };
  }
  return { ...base, response: error instanceof Error ? error.message : String(error) };
}

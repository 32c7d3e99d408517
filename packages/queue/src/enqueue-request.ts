/** Checks an enqueue request's shape; the queue stores exactly these fields and nothing else. */
import { SealpostError } from '@sealpost/errors';
import type { EnqueueRequest } from './job-queue.js';

export function checkEnqueueRequest(request: EnqueueRequest): void {
  const { envelope, messageId, maxAttempts } = request;
  if (
    typeof envelope?.from !== 'string' ||
    !Array.isArray(envelope.to) ||
    envelope.to.length === 0
  ) {
    throw new SealpostError(
      'EMESSAGE',
      'A job needs an envelope with a sender and at least one recipient.',
    );
  }
  if (envelope.to.some((to) => typeof to !== 'string' || to.length === 0)) {
    throw new SealpostError('EMESSAGE', 'Every envelope recipient must be a non-empty address.');
  }
  if (typeof messageId !== 'string' || messageId.length === 0) {
    throw new SealpostError('EMESSAGE', 'A job needs the Message-ID of its message.');
  }
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new SealpostError('ECONFIG', 'maxAttempts must be a whole number of at least 1.');
  }
}

import { quoteUntrusted, SealpostError } from '@sealpost/errors';

/** EADDRESS naming the rejected input (quoted safely) and the reason. */
export function addressError(input: string, reason: string): SealpostError {
  return new SealpostError('EADDRESS', `Address ${quoteUntrusted(input)} rejected: ${reason}.`, {
    details: { reason },
  });
}

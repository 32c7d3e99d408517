/** A SealpostError as an HTTP status (RFC 9110 §15) and a JSON body that names its code. */
import { isSealpostError, SealpostError } from '@sealpost/errors';

const STATUS: Record<string, number> = {
  EREQUEST: 400,
  EUSAGE: 400,
  EADDRESS: 400,
  EHEADER: 400,
  EMESSAGE: 400,
  EATTACHMENT: 400,
  EMIME: 400,
  ESENDER_MISSING: 400,
  ESENDER_AMBIGUOUS: 400,
  EWORKER_TOKEN: 401,
  EJOB_NOT_FOUND: 404,
  EJOB_STATE: 409,
  EJOB_TOO_LARGE: 413,
  EPOLICY: 422,
  EKEY_NOT_FOUND: 422,
  EQUEUE_CLOSED: 503,
};

export function errorResponse(err: unknown): { status: number; body: unknown } {
  const error = isSealpostError(err)
    ? err
    : new SealpostError('EINTERNAL', 'The worker hit an unexpected error; see its log.');
  const status = STATUS[error.code] ?? (error.code.startsWith('EKEY') ? 422 : 500);
  const json = error.toJSON() as unknown as Record<string, unknown>;
  return {
    status,
    body: {
      error: {
        code: json.code,
        message: json.message,
        action: json.action,
        ...(json.details ? { details: json.details } : {}),
      },
    },
  };
}

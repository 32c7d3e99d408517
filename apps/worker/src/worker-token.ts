/**
 * The API's bearer token (RFC 6750 §2.1): from SEALPOST_WORKER_TOKEN or --token-file; the
 * worker refuses to start without one. Compared in constant time over SHA-256 digests.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

export interface WorkerToken {
  /** True when `presented` is the token. */
  matches(presented: string | undefined): boolean;
  /** A value derived from the token for the dashboard cookie (never the token itself). */
  readonly sessionValue: string;
}

const MIN_LENGTH = 16;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function readWorkerToken(env: NodeJS.ProcessEnv, tokenFile?: string): WorkerToken {
  let token: string | undefined;
  if (tokenFile) {
    try {
      token = readFileSync(tokenFile, 'utf8').split(/\r?\n/, 1)[0]?.trim();
    } catch (err) {
      throw new SealpostError('EIO', `Cannot read the token file ${quoteUntrusted(tokenFile)}.`, {
        cause: err,
      });
    }
  } else {
    token = env.SEALPOST_WORKER_TOKEN?.trim();
  }
  if (!token)
    throw new SealpostError(
      'EWORKER_TOKEN',
      'The worker needs an API token: set SEALPOST_WORKER_TOKEN or give --token-file FILE.',
    );
  if (token.length < MIN_LENGTH)
    throw new SealpostError(
      'EWORKER_TOKEN',
      `The API token is too short: use at least ${MIN_LENGTH} characters (e.g. openssl rand -hex 32).`,
    );
  const expected = digest(token);
  return {
    matches: (presented) => presented !== undefined && timingSafeEqual(digest(presented), expected),
    sessionValue: createHash('sha256').update(`sealpost-dashboard\0${token}`).digest('hex'),
  };
}

/** The token of an `Authorization: Bearer TOKEN` header, if that is what it holds. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The flags of `sealpost-worker serve`, checked before anything is opened. */
import { parseArgs } from 'node:util';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { defaultSpoolDirectory } from '@sealpost/queue';

export type WorkerRole = 'api' | 'consumer' | 'both';

export interface ServeOptions {
  readonly role: WorkerRole;
  readonly host: string;
  readonly port: number;
  readonly spool: string;
  readonly redis?: string;
  readonly concurrency: number;
  /** API processes sharing the listening socket (node:cluster); default 1 (in this process). */
  readonly apiProcesses: number;
  /**
   * Worker threads that sign and encrypt OpenPGP copies for the API (createPgpCopyPool);
   * 0: on the API's main thread. Default: one per core but one, shared out among the API
   * processes (defaultPgpThreads).
   */
  readonly pgpThreads?: number;
  readonly tokenFile?: string;
  readonly maxBodyBytes: number;
  /** `--keep-done`: sent and failed jobs are removed this long after their last attempt. */
  readonly keepDoneMs?: number;
  /** Attempts before a transient failure becomes final. */
  readonly maxAttempts?: number;
  /** Backoff base and cap, in ms (tests shorten them). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:8025';
export const DEFAULT_MAX_BODY = 25 * 1024 * 1024;

function whole(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new SealpostError(
      'EUSAGE',
      `--${name} wants a whole number of at least ${min}, not ${quoteUntrusted(value)}.`,
    );
  return n;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A retention like 7d, 12h, 30m or 90s. */
export function parseDuration(name: string, value: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(value);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : 0;
  if (ms <= 0)
    throw new SealpostError(
      'EUSAGE',
      `--${name} wants a duration such as 7d, 12h, 30m or 90s, not ${quoteUntrusted(value)}.`,
    );
  return ms;
}

/** HOST:PORT or [v6]:PORT. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+)$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new SealpostError(
      'EUSAGE',
      `--listen wants HOST:PORT (e.g. ${DEFAULT_LISTEN}), not ${quoteUntrusted(listen)}.`,
    );
  return { host: match[1] ?? match[2]!, port };
}

export function parseServeOptions(args: readonly string[], env: NodeJS.ProcessEnv): ServeOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string' },
        listen: { type: 'string' },
        spool: { type: 'string' },
        redis: { type: 'string' },
        concurrency: { type: 'string' },
        'api-processes': { type: 'string' },
        'pgp-threads': { type: 'string' },
        'token-file': { type: 'string' },
        'max-body': { type: 'string' },
        'max-attempts': { type: 'string' },
        'keep-done': { type: 'string' },
        'retry-base-ms': { type: 'string' },
        'retry-max-ms': { type: 'string' },
      },
    }) as { values: Record<string, string | undefined> });
  } catch (err) {
    throw new SealpostError('EUSAGE', `${(err as Error).message} See "sealpost-worker --help".`);
  }
  const role = values.role ?? 'both';
  if (role !== 'api' && role !== 'consumer' && role !== 'both')
    throw new SealpostError(
      'EUSAGE',
      `--role must be api, consumer or both, not ${quoteUntrusted(role)}.`,
    );
  const { host, port } = parseListen(values.listen ?? DEFAULT_LISTEN);
  const maxAttempts = whole('max-attempts', values['max-attempts'], 1);
  const retryBaseMs = whole('retry-base-ms', values['retry-base-ms'], 1);
  const retryMaxMs = whole('retry-max-ms', values['retry-max-ms'], 1);
  const pgpThreads = whole('pgp-threads', values['pgp-threads'], 0);
  return {
    role,
    host,
    port,
    spool: values.spool ?? defaultSpoolDirectory(env),
    ...(values.redis ? { redis: values.redis } : {}),
    concurrency: whole('concurrency', values.concurrency, 1) ?? 4,
    apiProcesses: whole('api-processes', values['api-processes'], 1) ?? 1,
    ...(pgpThreads !== undefined ? { pgpThreads } : {}),
    ...(values['token-file'] ? { tokenFile: values['token-file'] } : {}),
    maxBodyBytes: whole('max-body', values['max-body'], 1) ?? DEFAULT_MAX_BODY,
    ...(values['keep-done'] ? { keepDoneMs: parseDuration('keep-done', values['keep-done']) } : {}),
    ...(maxAttempts ? { maxAttempts } : {}),
    ...(retryBaseMs ? { retryBaseMs } : {}),
    ...(retryMaxMs ? { retryMaxMs } : {}),
  };
}

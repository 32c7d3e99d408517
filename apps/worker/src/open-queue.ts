/** The queue `serve` uses: the spool directory by default, BullMQ on Redis with --redis URL. */
import { SealpostError } from '@sealpost/errors';
import { BullMqQueue, type JobQueue, SpoolQueue } from '@sealpost/queue';
import type { ServeOptions } from './serve-options.js';

export async function openQueue(
  options: ServeOptions,
  log: (line: string) => void,
): Promise<JobQueue> {
  const backoff = {
    ...(options.retryBaseMs ? { baseDelayMs: options.retryBaseMs } : {}),
    ...(options.retryMaxMs ? { maxDelayMs: options.retryMaxMs } : {}),
  };
  const common = {
    ...(Object.keys(backoff).length > 0 ? { backoff } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    maxBodyBytes: options.maxBodyBytes,
  };
  if (!options.redis) return SpoolQueue.open({ directory: options.spool, ...common });
  let url: URL;
  try {
    url = new URL(options.redis);
  } catch {
    throw new SealpostError('EUSAGE', '--redis wants a URL like redis://127.0.0.1:6379/0.');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new SealpostError('EUSAGE', '--redis wants a redis:// or rediss:// URL.');
  const db = Number(url.pathname.slice(1) || 0);
  return new BullMqQueue({
    connection: {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 6379),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(Number.isInteger(db) && db > 0 ? { db } : {}),
      ...(url.protocol === 'rediss:' ? { tls: { servername: url.hostname } } : {}),
    },
    ...common,
    onError: (err) => log(`redis: ${err.message}`),
  });
}

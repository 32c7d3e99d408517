/**
 * `sealpost-worker serve`: the API, the consumer, or both, on one queue. SIGTERM/SIGINT stop
 * taking requests and jobs, let deliveries in flight finish (or release them), then exit 0.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { loadConfig, readConfiguredSecret, transportCacheFile } from '@sealpost/config';
import { createPgpCopyPool, type PgpCopyPool } from '@sealpost/pipeline';
import { consume } from '@sealpost/queue';
import { submissionTransport } from '@sealpost/transport';
import { createApiServer } from './api/api-server.js';
import { type ApiProcesses, isApiProcess, startApiProcesses } from './api-processes.js';
import { deliverJob } from './deliver-job.js';
import { WorkerMetrics } from './metrics.js';
import { openQueue } from './open-queue.js';
import { readSendSetup } from './send-sources.js';
import type { ServeOptions } from './serve-options.js';
import { readWorkerToken } from './worker-token.js';

export interface ServeContext {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly log: (line: string) => void;
  /** Aborted by the caller (bin.ts wires SIGTERM and SIGINT to it). */
  readonly signal: AbortSignal;
}

/**
 * The cores but one shared out among the API processes as OpenPGP threads: the main threads
 * (HTTP, compose, self-check), the consumer and Redis keep a core. On 2 cores one API process
 * gets 1 thread (~10 % more jobs/s than 2 threads, bench/README.md); with --api-processes
 * filling the cores, none (decision 0135).
 */
export function defaultPgpThreads(apiProcesses: number, cores = availableParallelism()): number {
  return Math.floor(Math.max(0, cores - 1) / Math.max(1, apiProcesses));
}

export async function serve(requested: ServeOptions, ctx: ServeContext): Promise<void> {
  const { env, cwd, log, signal } = ctx;
  const child = isApiProcess(env);
  // A child of --api-processes serves the API only; the parent keeps the consumer.
  const options: ServeOptions = child ? { ...requested, role: 'api', apiProcesses: 1 } : requested;
  const clustered = options.apiProcesses > 1 && options.role !== 'consumer';
  // Refuse to start without a token, before anything is opened.
  const token = readWorkerToken(env, options.tokenFile);
  const config = loadConfig(cwd, env);
  const metrics = new WorkerMetrics();
  const queue = await openQueue(options, log);
  const tasks: Promise<void>[] = [];
  let server: Server | undefined;
  let children: ApiProcesses | undefined;
  let pool: PgpCopyPool | undefined;

  if (clustered) {
    children = await startApiProcesses(options.apiProcesses, log);
    log(`listening on ${children.url} (${options.apiProcesses} API processes)`);
  } else if (options.role !== 'consumer') {
    // Sign and encrypt on every core (decision 0135): the API of a busy worker is bound by them.
    const threads = options.pgpThreads ?? defaultPgpThreads(requested.apiProcesses);
    if (threads > 0) pool = createPgpCopyPool({ threads });
    const setup = await readSendSetup(config, env, cwd, pool ? { copyBuilder: pool } : {});
    server = createApiServer({
      queue,
      token,
      config,
      setup,
      metrics,
      maxBodyBytes: options.maxBodyBytes,
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(options.port, options.host, () => resolve());
    });
    const address = listening.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    if (!child) log(`listening on http://${host}:${address.port}`);
  }

  if (options.role !== 'api') {
    const password = config.user
      ? await readConfiguredSecret(
          {
            ...(config.passwordEnv ? { env: config.passwordEnv } : {}),
            ...(config.passwordFile ? { file: config.passwordFile } : {}),
            ...(config.passwordCommand ? { command: config.passwordCommand } : {}),
          },
          env,
          'SMTP password',
        )
      : undefined;
    const { transport, describe } = await submissionTransport({
      ...(config.server ? { server: config.server } : {}),
      ...(config.tls ? { tls: config.tls } : {}),
      ...(config.user !== undefined ? { user: config.user } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(config.ca ? { ca: config.ca } : {}),
      cacheFile: transportCacheFile(env),
      pool: true,
      maxConnections: options.concurrency,
    });
    log(`consuming with concurrency ${options.concurrency}, submitting via ${describe}`);
    const handler = deliverJob(transport, {
      onSent: (lease, sent, seconds) => {
        const report = lease.report as { messages?: { endToEnd?: { scheme?: string } }[] };
        const e2e = (report?.messages?.[0]?.endToEnd?.scheme ?? 'none') !== 'none';
        metrics.sent(seconds, sent.transport === 'smtp' ? sent.mode : sent.transport, e2e);
      },
      onFailed: (_lease, err) => metrics.attempt((err as { code?: string }).code ?? 'EINTERNAL'),
    });
    tasks.push(
      consume(queue, handler, {
        concurrency: options.concurrency,
        signal,
        onError: (err, lease) =>
          log(
            `job ${lease?.id ?? '-'}: ${(err as { code?: string }).code ?? 'error'} ${(err as Error).message}`,
          ),
      }).finally(() => transport.close()),
    );
  }

  // Retention: the process that consumes also prunes (at start, then periodically).
  let pruning: Promise<void> = Promise.resolve();
  let pruneTimer: NodeJS.Timeout | undefined;
  const keepDoneMs = options.keepDoneMs;
  if (keepDoneMs !== undefined && options.role !== 'api') {
    const prune = () => {
      pruning = pruning
        .then(() => queue.prune({ olderThanMs: keepDoneMs }))
        .then(
          (removed) => {
            if (removed > 0)
              log(
                `pruned ${removed} sent or failed job${removed === 1 ? '' : 's'} past --keep-done`,
              );
          },
          (err: Error) => log(`pruning failed: ${(err as { code?: string }).code ?? err.message}`),
        );
    };
    prune();
    pruneTimer = setInterval(prune, Math.min(3_600_000, Math.max(60_000, keepDoneMs / 10)));
    pruneTimer.unref();
  }

  if (!child) log('ready');
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  log('shutting down: no new requests or jobs; finishing what is in flight');
  const closing = server
    ? new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      })
    : Promise.resolve();
  await Promise.all([closing, children?.stop(), ...tasks]);
  // Requests in flight have their copies by now: server.close waited for them.
  await pool?.close();
  clearInterval(pruneTimer);
  await pruning;
  await queue.close({ timeoutMs: 10_000 });
  log('stopped');
}

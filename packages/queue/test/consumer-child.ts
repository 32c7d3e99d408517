/**
 * A consumer process for the crash tests: claims one job, optionally marks its data as
 * sent, says so on stdout, then waits to be killed with SIGKILL (no cleanup can run).
 * Usage: consumer-child.ts spool DIR STAGE | bullmq PORT QUEUE-NAME STAGE
 * STAGE "drain" instead claims and completes jobs until none is due for 500 ms, printing
 * one "sent ID" line per job, and exits.
 */
import { BullMqQueue, type JobQueue, SpoolQueue } from '../src/index.js';

const [adapter, ...args] = process.argv.slice(2);
const stage = args.at(-1);
if (stage !== 'claimed' && stage !== 'data-sent' && stage !== 'drain') {
  throw new Error('STAGE: claimed | data-sent | drain');
}
let queue: JobQueue;
if (adapter === 'spool') {
  queue = await SpoolQueue.open({ directory: args[0] ?? '' });
} else {
  queue = new BullMqQueue({
    connection: { host: '127.0.0.1', port: Number(args[0]) },
    name: args[1] ?? '',
    lockDurationMs: 1_000,
    stalledIntervalMs: 300,
  });
}
if (stage === 'drain') {
  for (;;) {
    const next = await queue.claim({ waitMs: 500 });
    if (!next) break;
    await next.complete();
    process.stdout.write(`sent ${next.id}\n`);
  }
  await queue.close();
  process.exit(0);
}
const lease = await queue.claim({ waitMs: 5_000 });
if (!lease) throw new Error('nothing to claim');
if (stage === 'data-sent') await lease.markDataSent();
process.stdout.write(`${stage} ${lease.id}\n`);
setInterval(() => {}, 60_000);

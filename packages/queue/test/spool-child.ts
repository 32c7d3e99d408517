/**
 * A consumer process for spool-recovery.test.ts: claims one job, optionally marks its data
 * as sent, says so on stdout, then waits to be killed with SIGKILL (no cleanup can run).
 */
import { SpoolQueue } from '../src/index.js';

const [directory, stage] = process.argv.slice(2);
if (!directory || (stage !== 'claimed' && stage !== 'data-sent')) {
  throw new Error('usage: spool-child.ts DIR claimed|data-sent');
}
const queue = await SpoolQueue.open({ directory });
const lease = await queue.claim({ waitMs: 5_000 });
if (!lease) throw new Error('nothing to claim');
if (stage === 'data-sent') await lease.markDataSent();
process.stdout.write(`${stage} ${lease.id}\n`);
setInterval(() => {}, 60_000);

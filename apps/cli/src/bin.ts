#!/usr/bin/env node
import { basename } from 'node:path';
import { main } from './main.js';

// `sealpost … | head` closes the pipe early. Like other Unix tools we stop writing and stay
// quiet, but the command itself runs to its end: a send that is under way is never cut short
// because the reader of its report went away.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

// Linked as `sendmail` (e.g. /usr/sbin/sendmail → bin.js), it is `sealpost sendmail`: cron,
// mailx and MTAs call it by that name with sendmail's flags.
const asSendmail = ['sendmail', 'sealpost-sendmail'].includes(basename(process.argv[1] ?? ''));
const args = process.argv.slice(2);
process.exitCode = await main(asSendmail ? ['sendmail', ...args] : args, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});

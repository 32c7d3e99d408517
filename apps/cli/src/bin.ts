#!/usr/bin/env node
import { main } from './main.js';

// `sealpost … | head` closes the pipe early. Like other Unix tools we stop writing and stay
// quiet, but the command itself runs to its end: a send that is under way is never cut short
// because the reader of its report went away.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});

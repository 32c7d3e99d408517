#!/usr/bin/env node
import cluster from 'node:cluster';
import { main } from './main.js';

// SIGTERM and SIGINT start a graceful shutdown; a second one exits at once.
const controller = new AbortController();
for (const name of ['SIGTERM', 'SIGINT'] as const) {
  process.on(name, () => {
    // An API child gets Ctrl-C from the terminal and SIGTERM from its parent: one shutdown.
    if (controller.signal.aborted && !cluster.isWorker) process.exit(1);
    controller.abort();
  });
}

// An API child of --api-processes stops when its parent is gone (even after SIGKILL).
process.once('disconnect', () => controller.abort());

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
// Keep-alive handles (Redis sockets, timers) must not hold the process once serve returned.
process.exit();

#!/usr/bin/env node
import { main } from './main.js';

// SIGTERM and SIGINT start a graceful shutdown; a second one exits at once.
const controller = new AbortController();
for (const name of ['SIGTERM', 'SIGINT'] as const) {
  process.on(name, () => {
    if (controller.signal.aborted) process.exit(1);
    controller.abort();
  });
}

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
// Keep-alive handles (Redis sockets, timers) must not hold the process once serve returned.
process.exit();

/**
 * The entry of the `sealpost` start-up snapshot (decision 0141). `node --build-snapshot` runs
 * this file once at build time: it loads the CLI and runs the common one-shot commands once
 * ({@link warmUp}); Node then saves the heap. `dist/sealpost` starts Node from that heap, and
 * the function below runs the command line as `bin.js` would.
 */
import { startupSnapshot, writeHeapSnapshot } from 'node:v8';
import { runAsProcess } from '../run-as-process.js';
import { setModuleUrl } from './module-url.js';
import { warmUp } from './warm-up.js';

/** For the build's check that nothing of the warm-up stayed: the heap (after a full GC). */
function writeHeapForCheck(): void {
  const path = process.env.SEALPOST_WARM_UP_HEAP;
  if (path) writeHeapSnapshot(path);
}

// The builder runs the event loop to its end before it saves the heap; a failure fails the
// build.
function startWarmUp(): void {
  const dir = process.env.SEALPOST_WARM_UP_DIR;
  if (!dir) throw new Error('SEALPOST_WARM_UP_DIR is not set (run scripts/snapshot.mjs)');
  warmUp(dir)
    .then(writeHeapForCheck)
    .catch((err: unknown) => {
      process.exitCode = 1;
      throw err;
    });
}

setModuleUrl(process.argv[1] ?? '');
startWarmUp();

startupSnapshot.setDeserializeMainFunction(() => {
  setModuleUrl(process.argv[1] ?? '');
  void runAsProcess(process.argv).then((code) => {
    process.exitCode = code;
  });
});

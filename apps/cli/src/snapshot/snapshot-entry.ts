/**
 * The entry of the `sealpost` start-up snapshot (decision 0143). `node --build-snapshot` runs
 * this file once at build time: it loads the CLI and runs the common one-shot commands once
 * ({@link warmUp}); Node then saves the heap. `dist/sealpost` starts Node from that heap, and
 * the function below runs the command line as `bin.js` would.
 */
import { randomUUID } from 'node:crypto';
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
  // The commands of the snapshot being built (scripts/snapshot.mjs); empty: all.
  const only = process.env.SEALPOST_WARM_UP_COMMANDS?.split(',').filter(Boolean);
  warmUp(dir, only?.length ? only : undefined)
    .then(writeHeapForCheck)
    .catch((err: unknown) => {
      process.exitCode = 1;
      throw err;
    });
}

setModuleUrl(process.argv[1] ?? '');
startWarmUp();

/**
 * Node hands out `randomUUID()` from a batch of 128 drawn at once; a batch a library filled
 * during the warm-up is part of the saved heap and would repeat in every run. 128 draws pass
 * the batch's end once, which refills it from fresh entropy. (sealpost's own Message-IDs do
 * not use the batch; launcher.test.ts checks two runs differ.)
 */
function refreshUuidBatch(): void {
  for (let i = 0; i < 128; i++) randomUUID();
}

startupSnapshot.setDeserializeMainFunction(() => {
  refreshUuidBatch();
  setModuleUrl(process.argv[1] ?? '');
  void runAsProcess(process.argv).then((code) => {
    process.exitCode = code;
  });
});

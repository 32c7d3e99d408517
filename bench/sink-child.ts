/**
 * A local STARTTLS submission sink in its own process, for bulk-send.bench.ts: the sink's
 * parsing then runs beside sealpost, as a real server would, not on its event loop.
 * Protocol over the fork IPC channel: { certificate } → { port }; 'count' → { count }.
 */
import { type ServerCertificate, startSubmissionServer } from '@sealpost/testkit';

process.once('message', async (first: { certificate: ServerCertificate }) => {
  const sink = await startSubmissionServer({ mode: 'starttls', certificate: first.certificate });
  process.on('message', (message) => {
    if (message === 'count') process.send?.({ count: sink.messages.length });
  });
  process.on('disconnect', () => {
    void sink.close().then(() => process.exit(0));
  });
  process.send?.({ port: sink.port });
});

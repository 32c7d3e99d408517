/**
 * `--api-processes N`: the API in N child processes sharing one listening socket (node:cluster),
 * so protecting messages (sign, encrypt, self-check) uses every core. The parent keeps the
 * consumer, replaces a child that dies, and stops them all with SIGTERM on shutdown.
 */
import cluster, { type Worker } from 'node:cluster';

/** Set in the children's environment: this process serves the API only. */
export const API_PROCESS_ENV = 'SEALPOST_WORKER_API_PROCESS';

export function isApiProcess(env: NodeJS.ProcessEnv): boolean {
  return cluster.isWorker && env[API_PROCESS_ENV] === '1';
}

export interface ApiProcesses {
  /** The address the children listen on, e.g. http://127.0.0.1:8025. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startApiProcesses(
  count: number,
  log: (line: string) => void,
): Promise<ApiProcesses> {
  let stopping = false;
  const live = new Set<Worker>();
  const fork = () =>
    new Promise<string>((resolve, reject) => {
      const child = cluster.fork({ [API_PROCESS_ENV]: '1' });
      live.add(child);
      child.once('listening', (address) => {
        const host = address.addressType === 6 ? `[${address.address}]` : address.address;
        resolve(`http://${host}:${address.port}`);
      });
      child.once('exit', (code, signal) => {
        live.delete(child);
        reject(new Error(`an API process exited before listening (${signal ?? code})`));
        if (!stopping) {
          log(`API process ${child.process.pid} exited (${signal ?? code}); starting another`);
          fork().catch((err: Error) => log(err.message));
        }
      });
    });
  const urls = await Promise.all(Array.from({ length: count }, fork));
  return {
    url: urls[0]!,
    async stop() {
      stopping = true;
      await Promise.all(
        [...live].map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

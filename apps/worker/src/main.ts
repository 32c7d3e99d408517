/** The `sealpost-worker` command line: `serve` and `--help`; errors print their code. */
import { isSealpostError } from '@sealpost/errors';
import { serve } from './serve.js';
import { DEFAULT_LISTEN, parseServeOptions } from './serve-options.js';

export const HELP = `Usage: sealpost-worker serve [options]

Runs the HTTP API and the queue consumer (docs/worker.md).

  --role api|consumer|both  what this process runs (default both)
  --listen HOST:PORT        API address (default ${DEFAULT_LISTEN})
  --spool DIR               spool directory
                            (default $XDG_STATE_HOME/sealpost/spool)
  --redis URL               use BullMQ on Redis instead of the spool
  --concurrency N           deliveries at once (default 4)
  --api-processes N         API processes sharing the port (default 1)
  --pgp-threads N           OpenPGP worker threads per API process (default:
                            (cores - 1) / API processes; 0: main thread)
  --token-file FILE         API token (else SEALPOST_WORKER_TOKEN; required)
  --max-body BYTES          largest request body (default 25 MiB)
  --max-attempts N          attempts before a transient failure is final
                            (default 8)
  --keep-done DURATION      remove sent and failed jobs this long after their
                            last attempt (e.g. 7d, 12h; default: keep them)

Transport, keys and policy come from the sealpost config file and SEALPOST_*.
`;

export interface MainContext {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly signal: AbortSignal;
}

export async function main(args: readonly string[], ctx: MainContext): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    ctx.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  const log = (line: string) => ctx.stderr.write(`sealpost-worker: ${line}\n`);
  try {
    if (command !== 'serve') {
      log(`unknown command ${JSON.stringify(command.slice(0, 40))}; see --help`);
      return 2;
    }
    if (rest.includes('--help')) {
      ctx.stdout.write(HELP);
      return 0;
    }
    await serve(parseServeOptions(rest, ctx.env), {
      env: ctx.env,
      cwd: ctx.cwd,
      log,
      signal: ctx.signal,
    });
    return 0;
  } catch (err) {
    if (isSealpostError(err)) {
      log(`error ${err.code}: ${err.message}`);
      return err.code === 'EUSAGE' ? 2 : 1;
    }
    log(`error: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}

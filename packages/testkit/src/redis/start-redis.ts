/**
 * A private, throwaway redis-server for tests: loopback only, a free port, its own temporary
 * directory, no RDB snapshots unless asked, optional AOF (appendfsync always) so a restart
 * keeps every acknowledged write. Needs the Debian package redis-server
 * (scripts/setup.sh --tests installs it). Ready means it answered PING with PONG (RESP).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DetachedProcess,
  sleep,
  spawnDetached,
  stopGroup,
  waitGroupGone,
} from '../postfix/detached-process.js';

export interface StartRedisOptions {
  /** Append-only file with fsync on every write, so `restart()` loses nothing; default false. */
  readonly appendOnly?: boolean;
  /** Bound on start-up; default 10 s. */
  readonly timeoutMs?: number;
  /** Keep the directory after stop() (to read the log while debugging). */
  readonly keepDir?: boolean;
}

export interface RedisInstance {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  /** Working directory: the log, the AOF, and `dump.rdb` after `snapshot()`. */
  readonly dir: string;
  logs(): string;
  /** Runs one command (inline RESP) and returns the raw reply, e.g. `command('DBSIZE')`. */
  command(line: string, timeoutMs?: number): Promise<string>;
  /** SAVE into `dir`, uncompressed, and returns the RDB file's bytes (for grepping). */
  snapshot(): Promise<Buffer>;
  /** Kills the server (SIGKILL: no final save) and starts it again on the same port and data. */
  restart(options?: { readonly downMs?: number }): Promise<void>;
  /** Stops the server and removes its directory. Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Sends one inline command and collects the reply until the server has said it all. */
function sendCommand(port: number, line: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = '';
    const timer = setTimeout(() => finish(new Error(`redis: no reply to ${line}`)), timeoutMs);
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply);
    };
    socket.once('error', (err) => finish(err));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      // Simple replies (+OK, -ERR, :1) end with their first CRLF; that is all we use.
      if (reply.includes('\r\n')) finish(null);
    });
    socket.connect(port, '127.0.0.1', () => socket.write(`${line}\r\n`));
  });
}

function serverArgs(port: number, dir: string, appendOnly: boolean): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--dir',
    dir,
    '--logfile',
    join(dir, 'redis.log'),
    '--daemonize',
    'no',
    '--save',
    '',
    // Uncompressed snapshots, so a test can grep them for strings that must not be there.
    '--rdbcompression',
    'no',
    '--appendonly',
    appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
  ];
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-redis-'));
  const timeoutMs = options.timeoutMs ?? 10_000;
  let port = 0;
  let server: DetachedProcess | undefined;
  let stopped = false;

  const launch = async (): Promise<boolean> => {
    const args = serverArgs(port, dir, options.appendOnly ?? false);
    server = spawnDetached('redis-server', args, join(dir, 'spawn.log'));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (server.hasExited()) return false;
      try {
        if ((await sendCommand(port, 'PING', 1_000)).startsWith('+PONG')) return true;
      } catch {
        // Not listening yet.
      }
      await sleep(25);
    }
    return false;
  };

  const kill = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const pid = server?.child.pid;
    if (pid === undefined || server?.hasExited()) return;
    if (signal === 'SIGKILL') {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await waitGroupGone(pid, 5_000);
    } else {
      await stopGroup(pid);
    }
  };

  // Another process may take the port between freePort() and the bind: try a few.
  for (let round = 0; round < 5; round++) {
    port = await freePort();
    if (await launch()) break;
    await kill('SIGKILL');
    port = 0;
  }
  const logs = () => {
    const read = (name: string) => {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch {
        return '';
      }
    };
    return read('spawn.log') + read('redis.log');
  };
  if (port === 0) {
    const text = logs();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`redis-server did not start (is the redis-server package installed?)\n${text}`);
  }

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await kill('SIGTERM');
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  };

  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    logs,
    command: (line, commandTimeoutMs = 5_000) => sendCommand(port, line, commandTimeoutMs),
    async snapshot() {
      const reply = await sendCommand(port, 'SAVE', 30_000);
      if (!reply.startsWith('+OK')) throw new Error(`redis SAVE failed: ${reply}`);
      return readFileSync(join(dir, 'dump.rdb'));
    },
    async restart(restartOptions = {}) {
      await kill('SIGKILL');
      await sleep(restartOptions.downMs ?? 0);
      if (!(await launch())) throw new Error(`redis-server did not restart\n${logs()}`);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

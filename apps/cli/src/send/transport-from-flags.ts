/**
 * Picks the submission transport from `--server HOST[:PORT]`, `--tls`, `--user`,
 * `--password-env` and `--ca`: a fixed port and mode when given, otherwise the safe discovery
 * order of @sealpost/transport (SRV, 465 implicit TLS, 587 and 2525 STARTTLS), which never
 * falls back to anything weaker after a TLS or certificate failure.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { SmtpTransport } from '@sealpost/transport';

/**
 * Where the CLI remembers which port and mode worked per host (host, port and mode only, no
 * secrets), so the next `send` does not wait for a filtered port again: `$XDG_CACHE_HOME/sealpost`.
 */
export function selectionCacheFile(env: NodeJS.ProcessEnv): string {
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'sealpost', 'transports.json');
}

export interface TransportFlags {
  readonly server?: string;
  readonly tls?: string;
  readonly user?: string;
  /** The SMTP password, already read from its env var, file or prompt. */
  readonly password?: string;
  readonly ca?: string;
  readonly timeoutMs?: number;
  /** The environment, for the selection cache's location. */
  readonly env?: NodeJS.ProcessEnv;
}

export function parseServer(server: string): { host: string; port?: number } {
  // [v6::addr]:port, host:port, or host
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  const plain = /^([^:\s]+)(?::(\d+))?$/.exec(server);
  const match = bracketed ?? plain;
  if (!match)
    throw new SealpostError(
      'EUSAGE',
      `--server wants HOST or HOST:PORT, got ${quoteUntrusted(server)}.`,
    );
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
    throw new SealpostError('EUSAGE', `Port ${quoteUntrusted(match[2]!)} is out of range.`);
  return { host: match[1]!, ...(port !== undefined ? { port } : {}) };
}

const MODES = { implicit: 'implicit-tls', starttls: 'starttls' } as const;

export async function transportFromFlags(
  flags: TransportFlags,
): Promise<{ transport: SmtpTransport; describe: string }> {
  if (!flags.server) {
    throw new SealpostError(
      'EUSAGE',
      'Give the submission server with --server HOST[:PORT] (or "server" in the config file), or use --dry-run.',
    );
  }
  const { host, port } = parseServer(flags.server);
  if (flags.tls !== undefined && flags.tls !== 'auto' && !(flags.tls in MODES))
    throw new SealpostError(
      'EUSAGE',
      `--tls must be auto, implicit or starttls, not ${quoteUntrusted(flags.tls)}.`,
    );
  const mode =
    flags.tls && flags.tls !== 'auto' ? MODES[flags.tls as keyof typeof MODES] : undefined;
  let ca: string | undefined;
  if (flags.ca) {
    try {
      ca = await readFile(flags.ca, 'utf8');
    } catch (err) {
      throw new SealpostError('EIO', `Cannot read the CA file ${quoteUntrusted(flags.ca)}.`, {
        cause: err,
      });
    }
  }
  if (flags.user !== undefined && flags.password === undefined) {
    throw new SealpostError(
      'ECONFIG',
      'A --user was given without a password: use --password-env VAR (or a prompt on a terminal).',
    );
  }
  const { selectTransport, createSmtpTransport, SelectionCache } = await import(
    '@sealpost/transport'
  );
  const timeoutMs = flags.timeoutMs ?? 15_000;
  const timeouts = {
    connectMs: timeoutMs,
    greetingMs: timeoutMs,
    socketMs: Math.max(timeoutMs, 30_000),
  };
  const selection = await selectTransport(host, {
    ...(port !== undefined ? { port } : {}),
    ...(mode ? { mode } : {}),
    ...(ca ? { ca } : {}),
    timeouts,
    ...(flags.env ? { cache: new SelectionCache({ file: selectionCacheFile(flags.env) }) } : {}),
  });
  const transport = createSmtpTransport({
    ...selection.endpoint,
    timeouts,
    ...(flags.user !== undefined ? { auth: { user: flags.user, pass: flags.password! } } : {}),
  });
  const endpoint = selection.endpoint;
  return {
    transport,
    describe: `${endpoint.host}:${endpoint.port} (${endpoint.mode}, chosen by ${selection.source})`,
  };
}

/**
 * The submission transport from a user's settings (`server` HOST[:PORT], `tls`, `user`, the
 * password already read, `ca`), as the CLI's flags and the worker's config give them: a fixed
 * port and mode when given, otherwise the safe discovery order (SRV, 465 implicit TLS, 587 and
 * 2525 STARTTLS), which never falls back to anything weaker after a TLS or certificate failure.
 */
import { readFileSync } from 'node:fs';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { selectTransport } from './select-transport.js';
import { SelectionCache } from './selection-cache.js';
import { createSmtpTransport, type SmtpTransport } from './smtp-transport.js';

export interface SubmissionSettings {
  readonly server?: string;
  readonly tls?: string;
  readonly user?: string;
  /** The SMTP password, already read from its env var, file or prompt. */
  readonly password?: string;
  readonly ca?: string;
  readonly timeoutMs?: number;
  /** Where to remember what worked per host (a JSON file); no file, no cache. */
  readonly cacheFile?: string;
  /** Keep sessions open and reuse them (a worker sending many messages); default false. */
  readonly pool?: boolean;
  /** Sessions open at once when pooling; default 5. */
  readonly maxConnections?: number;
  /** Ends choosing a port (the probing of candidates) at once when aborted. */
  readonly signal?: AbortSignal;
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

export async function submissionTransport(
  flags: SubmissionSettings,
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
      // Synchronous on purpose: a few KB, and an awaited read would wait for the event loop,
      // which a one-shot send keeps busy building the message while this session is being
      // opened ahead (decision 0128): the connect would start only after that stretch.
      ca = readFileSync(flags.ca, 'utf8');
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
    ...(flags.cacheFile ? { cache: new SelectionCache({ file: flags.cacheFile }) } : {}),
    ...(flags.signal ? { signal: flags.signal } : {}),
  });
  const transport = createSmtpTransport({
    ...selection.endpoint,
    timeouts,
    ...(flags.pool ? { pool: true } : {}),
    ...(flags.maxConnections ? { maxConnections: flags.maxConnections } : {}),
    ...(flags.user !== undefined ? { auth: { user: flags.user, pass: flags.password! } } : {}),
  });
  const endpoint = selection.endpoint;
  return {
    transport,
    describe: `${endpoint.host}:${endpoint.port} (${endpoint.mode}, chosen by ${selection.source})`,
  };
}

/**
 * PgpCopyPool: builds OpenPGP copies (RFC 3156 PGP/MIME) on worker threads, so a process that
 * sends many messages signs and encrypts on every core while the main thread composes,
 * self-checks and talks SMTP (docs/decisions/0111). Pass it as `copyBuilder` to buildMessages
 * or prepareSend; S/MIME and unprotected copies are built on the calling thread as before.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { isErrorCode, SealpostError } from '@sealpost/errors';
import type { PgpSignerMaterial } from '@sealpost/keystore';
import type { Key } from '@sealpost/pgp';
import type { BuildOptions } from '../build-messages.js';
import type { PlannedMessage } from '../plan-send.js';
import { copyScheme, schemeAdapter } from '../schemes/scheme.js';
import type { PgpCopyReply, PgpCopyRequest, PgpForget, PgpKeyPackets } from './pgp-copy-request.js';

/** Builds one planned copy; buildMessages uses it instead of the scheme adapter when given. */
export interface CopyBuilder {
  buildCopy(mime: Uint8Array, planned: PlannedMessage, options: BuildOptions): Promise<Uint8Array>;
}

export interface PgpCopyPool extends CopyBuilder {
  /** Ends the workers; copies still being built are rejected. */
  close(): Promise<void>;
}

export interface PgpCopyPoolOptions {
  /** Worker threads; default {@link defaultPoolThreads}: one per core but one, at least one. */
  readonly threads?: number;
}

/**
 * The pool's default size: one thread per core but one (at least one), as the worker's
 * `--pgp-threads` (decision 0135). The calling thread is busy too: it composes, self-checks
 * and speaks SMTP for every copy. On 2 cores one thread sent more messages a second than two,
 * for less CPU per message (decision 0111).
 */
export function defaultPoolThreads(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

interface Pending {
  readonly resolve: (raw: Uint8Array) => void;
  readonly reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  readonly pending: Map<number, Pending>;
  /** Keys (secret or public, by fingerprint) whose packets this worker already has. */
  readonly keys: Set<string>;
}

/**
 * Where the worker is. Workers run JavaScript only: under the @sealpost/source condition (tests,
 * tsx) this module is the .ts file, and the worker is the package's built one (build first),
 * started without the inherited flags (the source condition, the TypeScript loader).
 */
function workerLocation(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return {
    url: new URL(
      fromSource ? '../../dist/workers/pgp-copy-worker.js' : './pgp-copy-worker.js',
      import.meta.url,
    ),
    execArgv: fromSource ? [] : process.execArgv,
  };
}

const KEYS_PER_WORKER = 1000;
const packetsOf = new WeakMap<object, PgpKeyPackets>();
let keyObjects = 0;

/**
 * A key's binary packets for one worker, written once per key object (a signing key: decrypted,
 * in this process's memory only), sent once per worker and afterwards named only. The name is
 * the fingerprint plus the object's number: a refreshed key (same fingerprint, new subkeys or
 * expiry) is a new object and reaches the workers anew.
 */
function packets(key: Key, secret: boolean, thread: Thread): PgpKeyPackets {
  let written = packetsOf.get(key);
  if (!written) {
    written = { fingerprint: `${key.getFingerprint()}#${keyObjects++}`, bytes: key.write() };
    packetsOf.set(key, written);
  }
  const id = `${secret ? 'sec' : 'pub'}:${written.fingerprint}`;
  if (thread.keys.has(id)) return { fingerprint: written.fingerprint };
  if (thread.keys.size >= KEYS_PER_WORKER) {
    // A long-running sender meets new key objects all the time: bound what a worker keeps.
    const forget: PgpForget = { forget: true };
    thread.worker.postMessage(forget);
    thread.keys.clear();
  }
  thread.keys.add(id);
  return written;
}

function request(
  thread: Thread,
  id: number,
  mime: Uint8Array,
  planned: PlannedMessage,
  options: BuildOptions,
): PgpCopyRequest {
  const { encryptTo, ...rest } = planned;
  const signer = planned.sign === 'pgp' ? options.signers?.pgp : undefined;
  const signingKey = (signer?.material as PgpSignerMaterial | undefined)?.privateKey;
  if (signer && !signingKey) {
    throw new SealpostError('ECONFIG', 'No OpenPGP signing key was given.');
  }
  return {
    id,
    mime,
    planned: rest,
    encryptTo: encryptTo.map(({ material, ...key }) => ({
      key,
      packets: packets(material as Key, false, thread),
    })),
    ...(signer && signingKey
      ? {
          signer: {
            key: { scheme: signer.scheme, fingerprint: signer.fingerprint, source: signer.source },
            packets: packets(signingKey, true, thread),
          },
        }
      : {}),
    ...(options.date ? { date: options.date.getTime() } : {}),
  };
}

/** Starts `threads` workers (unreferenced while idle: an unused pool never keeps Node alive). */
export function createPgpCopyPool(options: PgpCopyPoolOptions = {}): PgpCopyPool {
  const size = Math.max(1, options.threads ?? defaultPoolThreads());
  const location = workerLocation();
  let nextId = 0;
  let closed = false;

  /** Starts (or, after a crash, restarts) the worker of a thread; a new worker has no keys. */
  const spawn = (thread: Thread): void => {
    const worker = new Worker(location.url, { execArgv: location.execArgv });
    thread.worker = worker;
    thread.keys.clear();
    worker.unref();
    worker.on('message', (reply: PgpCopyReply) => {
      const waiting = thread.pending.get(reply.id);
      if (!waiting) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      if ('raw' in reply) waiting.resolve(reply.raw);
      else {
        const { code, message } = reply.error;
        waiting.reject(new SealpostError(isErrorCode(code) ? code : 'EINTERNAL', message));
      }
    });
    worker.on('error', (err) => {
      for (const waiting of thread.pending.values()) {
        waiting.reject(
          new SealpostError('EINTERNAL', `An OpenPGP worker thread failed: ${err.message}`, {
            cause: err,
          }),
        );
      }
      thread.pending.clear();
      if (!closed) spawn(thread);
    });
  };
  const start = (): Thread => {
    const thread = { pending: new Map(), keys: new Set() } as unknown as Thread;
    spawn(thread);
    return thread;
  };
  const threads = Array.from({ length: size }, start);

  return {
    buildCopy(mime, planned, buildOptions) {
      if (copyScheme(planned) !== 'pgp') {
        const scheme = copyScheme(planned);
        return scheme
          ? schemeAdapter(scheme).buildCopy(mime, planned, buildOptions)
          : Promise.resolve(mime);
      }
      if (closed) {
        return Promise.reject(new SealpostError('EINTERNAL', 'The OpenPGP worker pool is closed.'));
      }
      const id = nextId++;
      const thread = threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      let message: PgpCopyRequest;
      try {
        message = request(thread, id, mime, planned, buildOptions);
      } catch (err) {
        return Promise.reject(err);
      }
      return new Promise<Uint8Array>((resolve, reject) => {
        if (thread.pending.size === 0) thread.worker.ref();
        thread.pending.set(id, { resolve, reject });
        thread.worker.postMessage(message);
      });
    },
    async close() {
      closed = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
      for (const t of threads) {
        for (const waiting of t.pending.values()) {
          waiting.reject(new SealpostError('EINTERNAL', 'The OpenPGP worker pool was closed.'));
        }
        t.pending.clear();
      }
    },
  };
}

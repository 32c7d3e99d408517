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
import type { PgpCopyReply, PgpCopyRequest, PgpKeyPackets } from './pgp-copy-request.js';

/** Builds one planned copy; buildMessages uses it instead of the scheme adapter when given. */
export interface CopyBuilder {
  buildCopy(mime: Uint8Array, planned: PlannedMessage, options: BuildOptions): Promise<Uint8Array>;
}

export interface PgpCopyPool extends CopyBuilder {
  /** Ends the workers; copies still being built are rejected. */
  close(): Promise<void>;
}

export interface PgpCopyPoolOptions {
  /** Worker threads; default the number of cores (os.availableParallelism()). */
  readonly threads?: number;
}

interface Pending {
  readonly resolve: (raw: Uint8Array) => void;
  readonly reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  readonly pending: Map<number, Pending>;
}

// Workers run JavaScript only: under the @sealpost/source condition (tests, tsx) this module is
// the .ts file, and the worker is the package's built one (so build first), which then resolves
// the workspace packages to their dist as well.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(
  FROM_SOURCE ? '../../dist/workers/pgp-copy-worker.js' : './pgp-copy-worker.js',
  import.meta.url,
);
const WORKER_ARGV = FROM_SOURCE
  ? process.execArgv.filter((a) => !a.includes('@sealpost/source'))
  : process.execArgv;

const packetsOf = new WeakMap<object, PgpKeyPackets>();

/** Binary packets of a key, written once per key object (a signing key: decrypted, in memory). */
function packets(key: Key): PgpKeyPackets {
  let written = packetsOf.get(key);
  if (!written) {
    written = { fingerprint: key.getFingerprint(), bytes: key.write() };
    packetsOf.set(key, written);
  }
  return written;
}

function request(
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
      packets: packets(material as Key),
    })),
    ...(signer && signingKey
      ? {
          signer: {
            key: { scheme: signer.scheme, fingerprint: signer.fingerprint, source: signer.source },
            packets: packets(signingKey),
          },
        }
      : {}),
    ...(options.date ? { date: options.date.getTime() } : {}),
  };
}

/** Starts `threads` workers (unreferenced while idle: an unused pool never keeps Node alive). */
export function createPgpCopyPool(options: PgpCopyPoolOptions = {}): PgpCopyPool {
  const size = Math.max(1, options.threads ?? availableParallelism());
  let nextId = 0;
  let closed = false;

  const start = (): Thread => {
    const thread: Thread = { worker: new Worker(WORKER_URL, { execArgv: WORKER_ARGV }), pending: new Map() };
    thread.worker.unref();
    thread.worker.on('message', (reply: PgpCopyReply) => {
      const waiting = thread.pending.get(reply.id);
      if (!waiting) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) thread.worker.unref();
      if ('raw' in reply) waiting.resolve(reply.raw);
      else {
        const { code, message } = reply.error;
        waiting.reject(new SealpostError(isErrorCode(code) ? code : 'EINTERNAL', message));
      }
    });
    thread.worker.on('error', (err) => {
      for (const waiting of thread.pending.values()) {
        waiting.reject(
          new SealpostError('EINTERNAL', `An OpenPGP worker thread failed: ${err.message}`, {
            cause: err,
          }),
        );
      }
      thread.pending.clear();
      if (!closed) thread.worker = start().worker;
    });
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
      let message: PgpCopyRequest;
      try {
        message = request(id, mime, planned, buildOptions);
      } catch (err) {
        return Promise.reject(err);
      }
      const thread = threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
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

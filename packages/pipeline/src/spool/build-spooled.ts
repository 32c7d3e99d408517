/**
 * buildMessages for large messages (issue 12): the canonical message is a file in the private
 * spool directory, and each copy is built from it as a stream into a file of its own,
 * self-checked on its way into the file (decision 0141). Memory stays constant whatever the size; copies a
 * scheme cannot stream yet are built and checked in memory as before.
 */
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import {
  algorithmsFor,
  type BuildOptions,
  type BuiltMessage,
  buildMessages,
  copyEnvelope,
  ownSignature,
  refuseUnsendable,
} from '../build-messages.js';
import type { SendPlan } from '../plan-send.js';
import { copyScheme, schemeAdapter } from '../schemes/scheme.js';
import type { SpoolDir } from './spool-dir.js';
import { SpooledCopy } from './spooled-copy.js';
import type { CopyCheck, StreamCheckFacts } from './stream-self-check.js';
import { finishCheck, writeCheckedCopy } from './write-checked.js';

/** The canonical message: a spool file, or (onePass) a stream read exactly once. */
export interface MessageSource {
  readonly path?: string;
  /** CRLF only, as compose's toMimeStream writes it (a caller's own MIME may not be). */
  readonly crlf?: boolean;
  /** The checks of the spool file's bytes as they were written (with `path`). */
  readonly check?: CopyCheck;
  stream(): Readable;
}

/**
 * Whether the plan is one copy built by a streaming builder (each reads the message once:
 * encrypted, signed, or both): then the message itself need not be spooled, it streams
 * straight from compose into the encryptor or signer.
 */
export function onePass(plan: SendPlan, options: BuildOptions): boolean {
  const [planned, ...others] = plan.messages;
  const scheme = planned && copyScheme(planned);
  if (!planned || others.length > 0 || !scheme) return false;
  return schemeAdapter(scheme).streamCopy?.(planned, options) !== undefined;
}

function spooledPath(message: MessageSource): string {
  if (!message.path) throw new SealpostError('EINTERNAL', 'The message was not spooled.');
  return message.path;
}

/** Builds and self-checks every copy of the plan from the spooled canonical message. */
export async function buildSpooledMessages(
  plan: SendPlan,
  message: MessageSource,
  spool: SpoolDir,
  options: BuildOptions = {},
): Promise<BuiltMessage[]> {
  refuseUnsendable(plan);
  const built: BuiltMessage[] = [];
  let inMemory: Uint8Array | undefined;
  for (const [index, planned] of plan.messages.entries()) {
    const scheme = copyScheme(planned);
    const streamer = scheme ? schemeAdapter(scheme).streamCopy?.(planned, options) : undefined;
    if (scheme && !streamer) {
      // Not streamable yet (a detached signature, S/MIME CBC): the one-shot path, in memory.
      inMemory ??= new Uint8Array(await readFile(spooledPath(message)));
      const one = { ...plan, messages: [planned] };
      built.push(...(await buildMessages(one, inMemory, options)));
      continue;
    }
    const input = { scheme: planned.scheme, sign: planned.sign, ...ownSignature(planned, options) };
    let path: string;
    let facts: StreamCheckFacts;
    if (streamer) {
      path = spool.file(`copy-${index + 1}.eml`);
      const bytes = await streamer(() => message.stream(), message.crlf === true);
      facts = await writeCheckedCopy(path, bytes, input);
    } else {
      // A TLS-only copy is the message itself, checked as it was spooled.
      path = spooledPath(message);
      if (!message.check) throw new SealpostError('EINTERNAL', 'The message was not checked.');
      facts = await finishCheck(path, message.check, input);
    }
    built.push({
      planned,
      envelope: copyEnvelope(plan, planned, facts),
      raw: new SpooledCopy(path, facts.size),
      algorithms: algorithmsFor(planned, options),
    });
  }
  return built;
}

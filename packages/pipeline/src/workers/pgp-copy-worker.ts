/**
 * The worker side of PgpCopyPool: builds one OpenPGP copy (RFC 3156 §4/§5) with the same send
 * adapter as the main thread. Keys arrive as binary packets (openpgp.js objects do not cross
 * threads) and are parsed once per fingerprint.
 */
import { parentPort } from 'node:worker_threads';
import { isSealpostError } from '@sealpost/errors';
import { type Key, readPrivateKey, readPublicKey } from '@sealpost/pgp';
import { pgpSendSide } from '../schemes/pgp.js';
import type { PgpCopyReply, PgpCopyRequest, PgpForget, PgpKeyPackets } from './pgp-copy-request.js';

const parsed = new Map<string, Promise<Key>>();

function keyOf(packets: PgpKeyPackets, secret: boolean): Promise<Key> {
  const id = `${secret ? 'sec' : 'pub'}:${packets.fingerprint}`;
  let key = parsed.get(id);
  if (!key) {
    if (!packets.bytes) throw new Error(`key ${packets.fingerprint} was never sent to this worker`);
    key = secret ? readPrivateKey(packets.bytes) : readPublicKey(packets.bytes);
    parsed.set(id, key);
  }
  return key;
}

async function build(request: PgpCopyRequest): Promise<Uint8Array> {
  // Look every key up before the first await: a later "forget" message must not race them.
  const recipientKeys = request.encryptTo.map((k) => keyOf(k.packets, false));
  const signingKey = request.signer ? keyOf(request.signer.packets, true) : undefined;
  const encryptTo = await Promise.all(
    request.encryptTo.map(async (k, i) => ({ ...k.key, material: await recipientKeys[i] })),
  );
  const signer =
    request.signer && signingKey
      ? { ...request.signer.key, material: { privateKey: await signingKey } }
      : undefined;
  return pgpSendSide.buildCopy(
    request.mime,
    { ...request.planned, encryptTo },
    {
      ...(signer ? { signers: { pgp: signer } } : {}),
      ...(request.date !== undefined ? { date: new Date(request.date) } : {}),
    },
  );
}

parentPort?.on('message', (request: PgpCopyRequest | PgpForget) => {
  if ('forget' in request) {
    parsed.clear();
    return;
  }
  build(request).then(
    (raw) => {
      const reply: PgpCopyReply = { id: request.id, raw };
      parentPort?.postMessage(reply, [raw.buffer as ArrayBuffer]);
    },
    (err: unknown) => {
      // Only the code and message cross: never a stack with key material in its locals.
      const reply: PgpCopyReply = {
        id: request.id,
        error: {
          code: isSealpostError(err) ? err.code : 'EINTERNAL',
          message: (err as Error)?.message ?? String(err),
        },
      };
      parentPort?.postMessage(reply);
    },
  );
});

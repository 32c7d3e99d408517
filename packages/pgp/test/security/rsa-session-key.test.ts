/**
 * Decision 0131: RSA session keys decrypted with an injected raw RSA primitive (Node's
 * RSA_NO_PADDING) give the same results and the same EDECRYPT as openpgp.js's own code, and a
 * changed RSA value is an ordinary decryption failure (implicit rejection), never a padding error.
 */
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import { decryptMessage } from '../../src/message/decrypt-message.js';
import { decryptMessageStream } from '../../src/message/decrypt-message-stream.js';
import { encryptMessage } from '../../src/message/encrypt-message.js';
import type { RsaRawDecrypt } from '../../src/session-key/rsa-private-key-info.js';
import { decryptRsaSessionKeys } from '../../src/session-key/rsa-session-keys.js';
import { joinPackets, splitPackets } from './packets.js';

// What Node offers, as the keystore injects it.
const nodeRsa: RsaRawDecrypt = async (pkcs8, ciphertext) =>
  new Uint8Array(
    privateDecrypt(
      {
        key: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }),
        padding: constants.RSA_NO_PADDING,
      },
      ciphertext,
    ),
  );

describe('decryptMessage with an injected RSA primitive (decision 0131)', () => {
  let bob: GeneratedKey;
  let eve: GeneratedKey;
  let ecc: GeneratedKey;
  const plain = new TextEncoder().encode('Meet at noon.\r\n');

  beforeAll(async () => {
    [bob, eve, ecc] = await Promise.all([
      generateKey({ userIds: [{ email: 'bob@example.org' }], type: 'rsa', rsaBits: 3072 }),
      generateKey({ userIds: [{ email: 'eve@example.org' }], type: 'rsa', rsaBits: 3072 }),
      generateKey({ userIds: [{ email: 'ecc@example.org' }] }),
    ]);
  });

  it('decrypts with the primitive, as openpgp.js does without it', async () => {
    const armored = await encryptMessage(plain, { recipientKeys: [bob.publicKey] });
    const rsa = vi.fn(nodeRsa);
    const ours = await decryptMessage(armored, {
      decryptionKeys: [bob.privateKey],
      rsaRawDecrypt: rsa,
    });
    const theirs = await decryptMessage(armored, { decryptionKeys: [bob.privateKey] });
    expect(rsa).toHaveBeenCalledTimes(1);
    expect(ours.content).toEqual(plain);
    expect(ours).toEqual(theirs);
  });

  it('is used by the streamed decryption too (decrypt --out of a large message)', async () => {
    const armored = await encryptMessage(plain, { recipientKeys: [bob.publicKey] });
    const rsa = vi.fn(nodeRsa);
    const text = new ReadableStream<string>({
      start(controller) {
        controller.enqueue(armored);
        controller.close();
      },
    });
    const streamed = await decryptMessageStream(
      { armored: text, binary: undefined },
      { decryptionKeys: [bob.privateKey], rsaRawDecrypt: rsa },
    );
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamed.content as unknown as AsyncIterable<Uint8Array>)
      chunks.push(chunk);
    expect(rsa).toHaveBeenCalledTimes(1);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(plain));
  });

  it('gives the same EDECRYPT as before for a message to another key', async () => {
    const armored = await encryptMessage(plain, { recipientKeys: [eve.publicKey] });
    const rsa = vi.fn(nodeRsa);
    const error = await decryptMessage(armored, {
      decryptionKeys: [bob.privateKey],
      rsaRawDecrypt: rsa,
    }).catch((e: unknown) => e);
    const before = await decryptMessage(armored, { decryptionKeys: [bob.privateKey] }).catch(
      (e: unknown) => e,
    );
    expect(rsa).not.toHaveBeenCalled();
    expect(error).toMatchObject({ code: 'EDECRYPT' });
    expect((error as Error).message).toBe((before as Error).message);
  });

  it('answers a PKESK whose RSA value was changed with EDECRYPT, not a padding error', async () => {
    // c + 1 (still below n) decrypts to octets that are no EME-PKCS1-v1_5 encoding.
    const armored = await encryptMessage(plain, { recipientKeys: [bob.publicKey] });
    const packets = splitPackets((await openpgp.unarmor(armored)).data as Uint8Array);
    const pkesk = packets[0]!.body.slice();
    expect(packets[0]!.tag).toBe(1);
    pkesk[pkesk.length - 1] = pkesk[pkesk.length - 1]! ^ 1;
    const forged = openpgp.armor(
      openpgp.enums.armor.message,
      joinPackets([{ tag: 1, body: pkesk }, ...packets.slice(1)]),
    );
    const error = await decryptMessage(forged, {
      decryptionKeys: [bob.privateKey],
      rsaRawDecrypt: nodeRsa,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'EDECRYPT',
      message: 'The message could not be decrypted: no matching key, or it was altered.',
    });
    // The same forged message yields the same candidate key each time (deterministic rejection).
    const read = () => openpgp.readMessage({ armoredMessage: forged });
    const first = await decryptRsaSessionKeys(await read(), [bob.privateKey], {
      rsaRawDecrypt: nodeRsa,
    });
    const again = await decryptRsaSessionKeys(await read(), [bob.privateKey], {
      rsaRawDecrypt: nodeRsa,
    });
    expect(first).toHaveLength(1);
    expect(first).toEqual(again);
  });

  it('finds the right key among wildcard (hidden) recipients', async () => {
    const armored = await encryptMessage(plain, {
      recipientKeys: [eve.publicKey, bob.publicKey],
      hideRecipientIds: true,
    });
    const opened = await decryptMessage(armored, {
      decryptionKeys: [bob.privateKey],
      rsaRawDecrypt: nodeRsa,
    });
    expect(opened.content).toEqual(plain);
  });

  it('reads the session key of a streamed message (what the streamed decryption passes on)', async () => {
    const armored = await encryptMessage(plain, { recipientKeys: [bob.publicKey] });
    const binary = (await openpgp.unarmor(armored)).data as Uint8Array;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(binary);
        controller.close();
      },
    });
    const config = { allowUnauthenticatedStream: true };
    const message = await openpgp.readMessage({ binaryMessage: stream, config });
    const sessionKeys = await decryptRsaSessionKeys(message, [bob.privateKey], {
      rsaRawDecrypt: nodeRsa,
    });
    expect(sessionKeys).toHaveLength(1);
    const result = await openpgp.decrypt({
      message,
      sessionKeys: sessionKeys!,
      format: 'binary',
      config,
    });
    expect(new Uint8Array(await new Response(result.data as ReadableStream).arrayBuffer())).toEqual(
      plain,
    );
  });

  it('leaves a non-RSA key to openpgp.js', async () => {
    const armored = await encryptMessage(plain, { recipientKeys: [ecc.publicKey] });
    const rsa = vi.fn(nodeRsa);
    const opened = await decryptMessage(armored, {
      decryptionKeys: [ecc.privateKey],
      rsaRawDecrypt: rsa,
    });
    expect(rsa).not.toHaveBeenCalled();
    expect(opened.content).toEqual(plain);
  });
});

import { createCipheriv, randomBytes } from 'node:crypto';
import { decodeBody, splitMessage } from '@sealpost/compose';
import { cyclingPieces, openssl, tempFiles } from '@sealpost/testkit';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixtures, fixtures, MESSAGE, type Party } from '../../test/fixtures.js';
import { encodeEnvelope } from '../cms/auth-enveloped-data.js';
import { contentEncryptionAlgorithm } from '../cms/content-encryption.js';
import { decryptCms } from '../cms/decrypt-cms.js';
import { encryptCms } from '../cms/encrypt-cms.js';
import { buildKeyTransRecipient } from '../cms/key-trans-recipient.js';
import { OID } from '../oids.js';
import { contentDecrypt } from './content-decrypt.js';
import { decryptEnvelopedStream, type StreamedDecryption } from './decrypt-enveloped-stream.js';
import { encryptMimeStream } from './encrypt-mime-stream.js';
import { rsaRawDecrypt } from './rsa-raw-decrypt.js';

type Files = Awaited<ReturnType<typeof tempFiles>>;
let f: Fixtures;
let files: Files;

beforeAll(async () => {
  f = await fixtures();
  files = await tempFiles('sealpost-smime-stream-');
});
afterAll(async () => {
  await files.dispose();
});

async function streamed(
  der: Uint8Array,
  who: Party,
  sizes?: readonly number[],
): Promise<{ result: StreamedDecryption; content: Buffer }> {
  const out: Uint8Array[] = [];
  const result = await decryptEnvelopedStream(
    cyclingPieces(der, sizes),
    {
      identities: [{ privateKey: who.privateKey, certificates: [who.certificate] }],
      rsaRawDecrypt,
    },
    async (chunk) => {
      out.push(Buffer.from(chunk));
    },
  );
  return { result, content: Buffer.concat(out) };
}

async function inMemory(der: Uint8Array, who: Party) {
  return decryptCms(der, {
    certificate: who.certificate,
    privateKey: who.privateKey,
    rsaRawDecrypt,
    contentDecrypt,
  });
}

/** `openssl cms -encrypt -stream -binary`: BER, indefinite lengths, chunked OCTET STRING. */
async function opensslEncrypt(cipher: string, who: Party, content: Uint8Array) {
  const cert = await files.write(
    `${who.address}-${who.certificate.publicKey.type}.pem`,
    who.issued.certPem,
  );
  const input = await files.write('content.bin', content);
  return new Uint8Array(
    await openssl([
      'cms',
      '-encrypt',
      '-stream',
      '-binary',
      `-${cipher}`,
      '-in',
      input,
      '-outform',
      'DER',
      cert,
    ]),
  );
}

const ENTITY = new TextEncoder().encode(
  'Content-Type: text/plain; charset=us-ascii\r\n\r\nStreamed numbers: 42.\r\n',
);

describe('decryptEnvelopedStream', () => {
  it.each([
    ['aes-256-gcm', 'rsa'],
    ['aes-256-gcm', 'ec'],
    ['aes-256-cbc', 'rsa'],
    ['aes-128-cbc', 'ec'],
    ['des3', 'rsa'],
  ] as const)('reads openssl -stream %s for bob-%s like decryptCms', async (cipher, key) => {
    const bob = f.bob[key];
    const der = await opensslEncrypt(cipher, bob, ENTITY);
    const { content: expected, ...facts } = await inMemory(der, bob);
    const { result, content } = await streamed(der, bob);
    expect(content).toEqual(Buffer.from(expected));
    expect(content).toEqual(Buffer.from(ENTITY));
    const { recipient, ...streamedFacts } = result;
    expect(streamedFacts).toEqual(facts);
    expect(recipient).toBe(bob.certificate);
    expect(result.integrity).toBe(cipher === 'aes-256-gcm' ? 'aead' : 'none');
  });

  it('gives the same bytes for every chunking: 1-byte pieces and odd sizes', async () => {
    const bob = f.bob.ec;
    const body = new Uint8Array(3000).map((_, i) => 0x41 + (i % 26));
    for (const cipher of ['aes-256-gcm', 'aes-256-cbc']) {
      const der = await opensslEncrypt(cipher, bob, body);
      for (const sizes of [[1], [2, 3, 5], [7, 1, 4096], [16], [17]]) {
        const { content } = await streamed(der, bob, sizes);
        expect(content).toEqual(Buffer.from(body));
      }
    }
  });

  it("reads sealpost's own DER (definite lengths) and encryptMimeStream's BER", async () => {
    const bob = f.bob.rsa;
    const der = await encryptCms(ENTITY, [bob.certificate]);
    expect((await streamed(der, bob, [1])).content).toEqual(Buffer.from(ENTITY));
    const parts: Uint8Array[] = [];
    for await (const part of encryptMimeStream(cyclingPieces(MESSAGE), {
      recipients: [bob.certificate],
    }))
      parts.push(part);
    const mime = Buffer.concat(parts);
    const body = decodeBody(splitMessage(mime).entity);
    const { content: expected, ...facts } = await inMemory(body, bob);
    const { result, content } = await streamed(body, bob, [3, 1000]);
    expect(content).toEqual(Buffer.from(expected));
    expect({ ...result, recipient: undefined }).toEqual({ ...facts, recipient: undefined });
  });

  it('tries each identity: the one a RecipientInfo names opens it', async () => {
    const der = await opensslEncrypt('aes-256-gcm', f.bob.ec, ENTITY);
    const out: Uint8Array[] = [];
    const result = await decryptEnvelopedStream(
      cyclingPieces(der),
      {
        identities: [
          { privateKey: f.alice.rsa.privateKey, certificates: [f.alice.rsa.certificate] },
          { privateKey: f.bob.ec.privateKey, certificates: [f.bob.ec.certificate] },
        ],
      },
      async (chunk) => {
        out.push(chunk);
      },
    );
    expect(result.recipient).toBe(f.bob.ec.certificate);
    await expect(streamed(der, f.alice.rsa)).rejects.toMatchObject({
      code: 'ESMIME_DECRYPT',
      details: { recipients: 1 },
    });
  });

  it('refuses a changed ciphertext, a changed tag and a cut stream (GCM) as decryptCms does', async () => {
    const bob = f.bob.ec;
    const der = await opensslEncrypt('aes-256-gcm', bob, ENTITY);
    const text = Buffer.from(der);
    // The ciphertext is the primitive OCTET STRING inside [0] (a0 80 04 len ...); the tag the
    // 16-byte OCTET STRING after the two end-of-contents octets.
    const contentAt = text.indexOf(Buffer.from([0xa0, 0x80, 0x04])) + 4;
    const tagAt = text.lastIndexOf(Buffer.from([0x00, 0x00, 0x00, 0x00, 0x04, 0x10])) + 6;
    for (const at of [contentAt + 3, tagAt + 15]) {
      const changed = Buffer.from(der);
      changed[at]! ^= 1;
      await expect(inMemory(changed, bob)).rejects.toMatchObject({ code: 'ESMIME_DECRYPT' });
      await expect(streamed(changed, bob)).rejects.toMatchObject({ code: 'ESMIME_DECRYPT' });
    }
    await expect(streamed(der.subarray(0, tagAt + 8), bob)).rejects.toMatchObject({
      code: 'ESMIME_FORMAT',
    });
    await expect(streamed(der.subarray(0, contentAt + 10), bob)).rejects.toMatchObject({
      code: 'ESMIME_FORMAT',
    });
  });

  it('refuses AES-GCM inside EnvelopedData (no tag) and CBC inside AuthEnvelopedData', async () => {
    const bob = f.bob.rsa;
    const gcm = contentEncryptionAlgorithm('gcm', new Uint8Array(12));
    const cbc = contentEncryptionAlgorithm('cbc', new Uint8Array(16));
    for (const [kind, algorithm] of [
      ['envelopedData', gcm],
      ['authEnvelopedData', cbc],
    ] as const) {
      const der = encodeEnvelope({
        kind,
        recipientInfos: [],
        contentEncryptionAlgorithm: algorithm,
        ciphertext: new Uint8Array(32),
        mac: new Uint8Array(16),
      });
      await expect(inMemory(der, bob)).rejects.toMatchObject({ code: 'ESMIME_UNSUPPORTED' });
      await expect(streamed(der, bob)).rejects.toMatchObject({ code: 'ESMIME_UNSUPPORTED' });
    }
  });

  it('refuses what is not an envelope', async () => {
    const signed = await openssl([
      'cms',
      '-sign',
      '-binary',
      '-in',
      await files.write('e.txt', ENTITY),
      '-signer',
      await files.write('alice.pem', f.alice.ec.issued.certPem),
      '-inkey',
      await files.write('alice.key', f.alice.ec.issued.keyPem),
      '-outform',
      'DER',
    ]);
    await expect(streamed(signed, f.bob.rsa)).rejects.toMatchObject({
      code: 'ESMIME_UNSUPPORTED',
    });
    await expect(streamed(new Uint8Array([1, 2, 3]), f.bob.rsa)).rejects.toMatchObject({
      code: 'ESMIME_FORMAT',
    });
  });

  it('streams ChaCha20-Poly1305 (RFC 8103) through Node, tag checked at the end', async () => {
    const bob = f.bob.rsa;
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    const ciphertext = Buffer.concat([cipher.update(ENTITY), cipher.final()]);
    const der = encodeEnvelope({
      kind: 'authEnvelopedData',
      recipientInfos: [await buildKeyTransRecipient(bob.certificate, key, 'oaep', crypto)],
      contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: OID.chacha20Poly1305,
        algorithmParams: new asn1js.OctetString({ valueHex: nonce }),
      }),
      ciphertext,
      mac: cipher.getAuthTag(),
    });
    const { content: expected, ...facts } = await inMemory(der, bob);
    const { result, content } = await streamed(der, bob, [1]);
    expect(content).toEqual(Buffer.from(expected));
    expect({ ...result, recipient: undefined }).toEqual({ ...facts, recipient: undefined });
    const changed = new Uint8Array(der);
    changed[changed.length - 1]! ^= 1;
    await expect(streamed(changed, bob)).rejects.toMatchObject({ code: 'ESMIME_DECRYPT' });
  });

  it('refuses AuthEnvelopedData with authAttrs, whose GCM data would come too late', async () => {
    const bob = f.bob.ec;
    const parts: Uint8Array[] = [];
    for await (const part of encryptMimeStream(cyclingPieces(MESSAGE), {
      recipients: [bob.certificate],
    }))
      parts.push(part);
    const der = Buffer.from(decodeBody(splitMessage(Buffer.concat(parts)).entity));
    // Indefinite lengths all the way out: an empty authAttrs [1] fits in before the mac.
    const mac = der.lastIndexOf(Buffer.from([0x00, 0x00, 0x00, 0x00, 0x04, 0x10])) + 4;
    const hostile = Buffer.concat([
      der.subarray(0, mac),
      Buffer.from([0xa1, 0x00]),
      der.subarray(mac),
    ]);
    await expect(inMemory(hostile, bob)).rejects.toMatchObject({ code: 'ESMIME_DECRYPT' });
    await expect(streamed(hostile, bob)).rejects.toMatchObject({ code: 'ESMIME_UNSUPPORTED' });
    await expect(streamed(der, bob)).resolves.toBeDefined();
  });
});

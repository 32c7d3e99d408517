import { chunksOf } from '@sealpost/testkit';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../keys/generate-key.js';
import { armorStream } from './armor-stream.js';

function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
    },
  });
}

async function armorText(chunks: readonly Uint8Array[]): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of armorStream(streamOf(chunks)) as unknown as AsyncIterable<Uint8Array>)
    text += decoder.decode(chunk);
  return text;
}

/** Deterministic octets (all 256 values occur) so every base64 character is exercised. */
function octets(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + seed * 7 + (i >> 8)) & 0xff;
  return out;
}

/** The reference CRC-24 of RFC 9580 §6.1.1, one bit at a time. */
function referenceCrc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of bytes) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

function checksumLine(bytes: Uint8Array): string {
  const crc = referenceCrc24(bytes);
  return `=${btoa(String.fromCharCode(crc >>> 16, (crc >>> 8) & 0xff, crc & 0xff))}`;
}

function expectArmorShape(text: string, bytes: Uint8Array): void {
  const octetCount = bytes.length;
  expect(text.startsWith('-----BEGIN PGP MESSAGE-----\r\n\r\n')).toBe(true);
  expect(text.endsWith(`\r\n${checksumLine(bytes)}\r\n-----END PGP MESSAGE-----\r\n`)).toBe(true);
  expect(text).not.toMatch(/[^\r]\n|\r[^\n]/);
  const lines = text.split('\r\n').slice(2, -3);
  expect(lines).toHaveLength(Math.ceil(octetCount / 48));
  for (const [i, line] of lines.entries()) {
    if (i < lines.length - 1) expect(line).toHaveLength(64);
    else expect(line.length).toBeLessThanOrEqual(64);
    expect(line).toMatch(/^[A-Za-z0-9+/]+=*$/);
  }
}

describe('armorStream', () => {
  it('armors 0 octets as header line, blank line, checksum of nothing and tail', async () => {
    const empty = '-----BEGIN PGP MESSAGE-----\r\n\r\n=twTO\r\n-----END PGP MESSAGE-----\r\n';
    expect(await armorText([])).toBe(empty);
    expect(await armorText([new Uint8Array(0), new Uint8Array(0)])).toBe(empty);
  });

  for (const length of [1, 2, 3, 47, 48, 49, 95, 96, 97, 48 * 1000 + 1]) {
    it(`armors ${length} octets in 64-character CRLF lines that unarmor to the input`, async () => {
      const bytes = octets(length, length);
      const text = await armorText([bytes]);
      expectArmorShape(text, bytes);
      const { data, type } = await openpgp.unarmor(text);
      expect(type).toBe(openpgp.enums.armor.message);
      expect(new Uint8Array(data as Uint8Array)).toEqual(bytes);
    });
  }

  it('carries octets across chunk borders that do not fall on a line', async () => {
    const bytes = octets(5000, 3);
    for (const sizes of [
      [1, 1, 1, 44, 1, 1],
      [47, 1, 49, 95],
      [48, 48, 0, 48, 1],
      [13, 2000, 7, 100],
      Array.from({ length: 200 }, (_, i) => i % 50),
    ]) {
      const text = await armorText(chunksOf(bytes, sizes));
      expect(text).toBe(await armorText([bytes]));
      expectArmorShape(text, bytes);
      const { data } = await openpgp.unarmor(text);
      expect(new Uint8Array(data as Uint8Array)).toEqual(bytes);
    }
  });

  it('armors chunks longer than one base64 call (65,520 octets) the same as small chunks', async () => {
    // writeLines encodes a long chunk in pieces: lines must run on across the piece borders.
    const bytes = octets(48 * 1365 * 3 + 1000, 9);
    const whole = await armorText([bytes]);
    expectArmorShape(whole, bytes);
    expect(whole).toBe(await armorText(chunksOf(bytes, Array(80).fill(2500))));
    expect(await armorText(chunksOf(bytes, [48 * 1365 - 1, 48 * 1365 + 2, 5]))).toBe(whole);
    const { data } = await openpgp.unarmor(whole);
    expect(new Uint8Array(data as Uint8Array)).toEqual(bytes);
  });

  it('names the block type in the header and tail lines', async () => {
    const text = await (async () => {
      let out = '';
      for await (const c of armorStream(
        streamOf([octets(10)]),
        'SIGNATURE',
      ) as unknown as AsyncIterable<Uint8Array>)
        out += new TextDecoder().decode(c);
      return out;
    })();
    expect(text).toMatch(
      /^-----BEGIN PGP SIGNATURE-----\r\n\r\n[^\r]+\r\n=[^\r]{4}\r\n-----END PGP SIGNATURE-----\r\n$/,
    );
  });

  describe('an encrypted message, multi-chunk', () => {
    let bob: GeneratedKey;
    beforeAll(async () => {
      bob = await generateKey({ userIds: [{ email: 'bob@example.org' }] });
    });

    it('is read back by openpgp.js readMessage and decrypts', async () => {
      const plaintext = octets(300_000, 9);
      const binary = (await openpgp.encrypt({
        message: await openpgp.createMessage({
          binary: streamOf(chunksOf(plaintext, [65536, 65536, 1])),
        }),
        encryptionKeys: bob.publicKey,
        format: 'binary',
      })) as unknown as ReadableStream<Uint8Array>;
      let text = '';
      let chunks = 0;
      for await (const c of armorStream(binary) as unknown as AsyncIterable<Uint8Array>) {
        text += new TextDecoder().decode(c);
        chunks++;
      }
      expect(chunks).toBeGreaterThan(3);
      expect(text).not.toMatch(/[^\r]\n/);
      const message = await openpgp.readMessage({ armoredMessage: text });
      const { data } = await openpgp.decrypt({
        message,
        decryptionKeys: bob.privateKey,
        format: 'binary',
      });
      expect(new Uint8Array(data as Uint8Array)).toEqual(plaintext);
    });
  });
});

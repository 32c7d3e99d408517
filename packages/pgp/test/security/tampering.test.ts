/**
 * Attacks on PGP/MIME messages: every one must end in an error or an `invalid` status,
 * never in content that looks trustworthy (RFC 9580 §5.13, §13.7; the EFAIL class of attacks).
 */
import { joinMessage, parseEntity, parseMultipart } from '@sealpost/compose';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptedWrapper, encryptMime } from '../../src/mime/encrypt-mime.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { verifyMime } from '../../src/mime/verify-mime.js';
import { joinPackets, type RawPacket, splitPackets } from './packets.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const message = enc.encode(
  'From: alice@example.org\r\nTo: bob@example.org\r\nSubject: Wire 100 EUR\r\n' +
    'Content-Type: text/plain\r\n\r\nPlease wire 100 EUR to account 1234.\r\n',
);

const SEIPD = 18;
const SED = 9; // Symmetrically Encrypted Data: no integrity protection at all.

async function binaryOf(encrypted: Uint8Array): Promise<Uint8Array> {
  const { parts } = parseMultipart(parseEntity(encrypted));
  const { data } = await openpgp.unarmor(dec.decode(parts[1]!.entity.body));
  return data as unknown as Uint8Array;
}

function rewrap(binary: Uint8Array): Uint8Array {
  const armored = openpgp.armor(openpgp.enums.armor.message, binary);
  return joinMessage([{ name: 'Subject', value: '[...]' }], encryptedWrapper(armored));
}

function edit(
  packets: RawPacket[],
  tag: number,
  change: (b: Uint8Array) => RawPacket,
): RawPacket[] {
  return packets.map((p) => (p.tag === tag ? change(p.body) : p));
}

describe('tampered PGP/MIME', () => {
  let alice: GeneratedKey;
  let bob: GeneratedKey;
  let encrypted: Uint8Array;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([
      generateKey({ userIds: [{ email: 'alice@example.org' }] }),
      generateKey({ userIds: [{ email: 'bob@example.org' }] }),
    ]);
    encrypted = await encryptMime(message, {
      recipientKeys: [bob.publicKey],
      signingKey: alice.privateKey,
    });
  });

  const open = (bytes: Uint8Array) =>
    decryptMime(bytes, { decryptionKeys: [bob.privateKey], verificationKeys: [alice.publicKey] });

  it('the untouched message opens (control)', async () => {
    const opened = await open(rewrap(await binaryOf(encrypted)));
    expect(opened.signatures).toMatchObject([{ status: 'valid' }]);
  });

  it('writes only PKESK and SEIPD v1 packets, never tag 9', async () => {
    const packets = splitPackets(await binaryOf(encrypted));
    expect(packets.map((p) => p.tag)).toEqual([1, SEIPD]);
    expect(packets[1]!.body[0]).toBe(1); // SEIPD version 1: CFB + MDC
  });

  it.each([0.25, 0.5, 0.99])('refuses a bit flipped at %s of the ciphertext', async (where) => {
    const packets = edit(splitPackets(await binaryOf(encrypted)), SEIPD, (body) => {
      const copy = body.slice();
      const at = Math.max(1, Math.floor(copy.length * where));
      copy[at]! ^= 0x01;
      return { tag: SEIPD, body: copy };
    });
    await expect(open(rewrap(joinPackets(packets)))).rejects.toMatchObject({ code: 'EDECRYPT' });
  });

  it('refuses a SEIPD turned into a tag-9 packet (MDC stripped, downgrade)', async () => {
    const packets = edit(splitPackets(await binaryOf(encrypted)), SEIPD, (body) => ({
      tag: SED,
      body: body.subarray(1), // drop the version octet: the rest is CFB ciphertext
    }));
    const err = await open(rewrap(joinPackets(packets))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EDECRYPT' });
    // Refused because it is unauthenticated, not because of some parse accident.
    expect(String((err as Error).cause)).toMatch(/authenticat|integrity|modification/i);
  });

  it('refuses a SEIPD whose MDC packet was cut off', async () => {
    const packets = edit(splitPackets(await binaryOf(encrypted)), SEIPD, (body) => ({
      tag: SEIPD,
      body: body.subarray(0, body.length - 22), // MDC: 2 header octets + 20-octet SHA-1
    }));
    await expect(open(rewrap(joinPackets(packets)))).rejects.toMatchObject({ code: 'EDECRYPT' });
  });

  it('reports a signature over a modified body as invalid', async () => {
    const signed = dec.decode(await signMime(message, { signingKey: alice.privateKey }));
    expect(signed).toContain('100 EUR to account 1234');
    const forged = enc.encode(signed.replace('100 EUR to account 1234', '900 EUR to account 6666'));
    const opened = await verifyMime(forged, { verificationKeys: [alice.publicKey] });
    expect(opened.signatures).toHaveLength(1);
    expect(opened.signatures[0]!.status).toBe('invalid');
  });

  it('reports a signature over a modified protected Subject as invalid', async () => {
    const signed = dec.decode(await signMime(message, { signingKey: alice.privateKey }));
    // The second "Subject:" is the protected copy inside the signed part.
    const at = signed.indexOf('Subject: Wire 100 EUR', signed.indexOf('Subject:') + 1);
    expect(at).toBeGreaterThan(0);
    const forged = enc.encode(
      `${signed.slice(0, at)}Subject: Wire 900 EUR${signed.slice(at + 'Subject: Wire 100 EUR'.length)}`,
    );
    const opened = await verifyMime(forged, { verificationKeys: [alice.publicKey] });
    expect(opened.signatures[0]!.status).toBe('invalid');
  });

  it('refuses a multipart/signed with an extra part', async () => {
    const signed = dec.decode(await signMime(message, { signingKey: alice.privateKey }));
    const boundary = /boundary="?([^";\r\n]+)"?/.exec(signed)![1]!;
    const forged = enc.encode(
      signed.replace(
        `--${boundary}--`,
        `--${boundary}\r\nContent-Type: text/plain\r\n\r\nextra\r\n--${boundary}--`,
      ),
    );
    await expect(verifyMime(forged, { verificationKeys: [alice.publicKey] })).rejects.toMatchObject(
      { code: 'EPGP_FORMAT' },
    );
  });
});

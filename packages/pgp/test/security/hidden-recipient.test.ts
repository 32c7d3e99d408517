/**
 * docs/design.md §4: with hideRecipientIds the PKESKs carry the wildcard key ID (RFC 9580 §5.1),
 * so a Bcc recipient's key ID appears nowhere in the packets.
 */
import { parseEntity, parseMultipart } from '@sealpost/compose';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptMime } from '../../src/mime/encrypt-mime.js';
import { splitPackets } from './packets.js';

const message = new TextEncoder().encode(
  'From: a@example.org\r\nTo: to@example.org\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\nx\r\n',
);

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

async function packetsOf(encrypted: Uint8Array) {
  const { parts } = parseMultipart(parseEntity(encrypted));
  const { data } = await openpgp.unarmor(new TextDecoder().decode(parts[1]!.entity.body));
  const binary = data as unknown as Uint8Array;
  return { binary, packets: splitPackets(binary) };
}

function keyIdBytes(key: GeneratedKey): Uint8Array[] {
  return key.publicKey.getKeys().map((k) => {
    const hex = k.getKeyID().toHex();
    return Uint8Array.from(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)));
  });
}

describe('hidden recipients', () => {
  let to: GeneratedKey;
  let bcc: GeneratedKey;
  beforeAll(async () => {
    [to, bcc] = await Promise.all([
      generateKey({ userIds: [{ email: 'to@example.org' }] }),
      generateKey({ userIds: [{ email: 'bcc@example.org' }] }),
    ]);
  });

  it('shows recipient key IDs without the option (control)', async () => {
    const encrypted = await encryptMime(message, { recipientKeys: [to.publicKey, bcc.publicKey] });
    const { binary } = await packetsOf(encrypted);
    expect(keyIdBytes(bcc).some((id) => contains(binary, id))).toBe(true);
  });

  it('writes wildcard key IDs and no recipient key ID anywhere with hideRecipientIds', async () => {
    const encrypted = await encryptMime(message, {
      recipientKeys: [to.publicKey, bcc.publicKey],
      hideRecipientIds: true,
    });
    const { binary, packets } = await packetsOf(encrypted);
    const pkesks = packets.filter((p) => p.tag === 1);
    expect(pkesks).toHaveLength(2);
    for (const p of pkesks) {
      expect(p.body[0]).toBe(3); // PKESK v3: version, then the 8-octet key ID
      expect([...p.body.subarray(1, 9)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }
    for (const id of [...keyIdBytes(to), ...keyIdBytes(bcc)])
      expect(contains(binary, id)).toBe(false);
    // Each recipient can still open it (by trying its key on every PKESK).
    const opened = await decryptMime(encrypted, { decryptionKeys: [bcc.privateKey] });
    expect(new TextDecoder().decode(opened.entity.body)).toBe('x\r\n');
  });
});

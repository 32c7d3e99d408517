/** mailparser (the parser most Node mail software uses) reads every shape we produce. */
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import { encryptMime } from '../../src/mime/encrypt-mime.js';
import { encryptMimeStream } from '../../src/mime/encrypt-mime-stream.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { sampleMessage } from './mime-parts.js';

const ENCRYPTED_PARTS = ['application/pgp-encrypted', 'application/octet-stream'];

describe('mailparser reads our PGP/MIME output', () => {
  let alice: GeneratedKey;
  let bob: GeneratedKey;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([
      generateKey({ userIds: [{ email: 'alice@example.org' }] }),
      generateKey({ userIds: [{ email: 'bob@example.org' }] }),
    ]);
  });

  it('multipart/signed over a multipart/mixed with an 8-bit text part and an attachment', async () => {
    const parsed = await simpleParser(
      Buffer.from(await signMime(sampleMessage, { signingKey: alice.privateKey })),
    );
    expect(parsed.subject).toBe('Interop check');
    expect(parsed.from?.value[0]?.address).toBe('alice@example.org');
    expect(parsed.text?.trim()).toBe('Grüße from sealpost.');
    expect(parsed.attachments.map((a) => [a.contentType, a.filename])).toEqual([
      ['application/octet-stream', 'data.bin'],
      ['application/pgp-signature', 'signature.asc'],
    ]);
    expect([...parsed.attachments[0]!.content]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it.each([
    ['encrypted', { hideRecipientIds: false, sign: false }],
    ['signed+encrypted', { hideRecipientIds: false, sign: true }],
    ['encrypted to hidden recipients', { hideRecipientIds: true, sign: false }],
  ])('multipart/encrypted (%s)', async (_name, o) => {
    const bytes = await encryptMime(sampleMessage, {
      recipientKeys: [bob.publicKey],
      hideRecipientIds: o.hideRecipientIds,
      ...(o.sign ? { signingKey: alice.privateKey } : {}),
    });
    const parsed = await simpleParser(Buffer.from(bytes));
    expect(parsed.subject).toBe('[...]');
    const to = parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : undefined;
    expect(to).toBe('bob@example.org');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(ENCRYPTED_PARTS);
    expect(parsed.attachments[0]!.content.toString().trim()).toBe('Version: 1');
    expect(parsed.attachments[1]!.content.toString()).toMatch(/^-----BEGIN PGP MESSAGE-----/);
  });

  it('the streamed multipart/encrypted', async () => {
    const out = await new Response(
      await encryptMimeStream(new Blob([sampleMessage]).stream(), {
        recipientKeys: [bob.publicKey],
      }),
    ).arrayBuffer();
    const parsed = await simpleParser(Buffer.from(out));
    expect(parsed.subject).toBe('[...]');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(ENCRYPTED_PARTS);
  });
});

import {
  entityContentType,
  getHeader,
  type HeaderField,
  joinMessage,
  parseEntity,
  parseMultipart,
} from '@sealpost/compose';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../keys/generate-key.js';
import { decryptMime } from './decrypt-mime.js';
import { encryptMime } from './encrypt-mime.js';
import { signMime } from './sign-mime.js';
import { verifyMime } from './verify-mime.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

const message = enc.encode(
  [
    'From: Alice <alice@example.org>',
    'To: Bob <bob@example.org>',
    'Subject: Quarterly numbers',
    'Date: Fri, 27 Nov 2026 18:00:00 +0000',
    'Message-ID: <q1@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße, Bob!',
    'From here on, trailing space ',
    '',
  ].join('\r\n'),
);

function field(headers: readonly HeaderField[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

describe('PGP/MIME', () => {
  let alice: GeneratedKey;
  let bob: GeneratedKey;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([
      generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }] }),
      generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.org' }] }),
    ]);
  });

  it('signs as multipart/signed with micalg of the hash used and a 7-bit signed part', async () => {
    const signed = await signMime(message, { signingKey: alice.privateKey });
    const top = parseEntity(signed);
    const type = entityContentType(top);
    expect(type.mediaType).toBe('multipart/signed');
    expect(type.params.protocol).toBe('application/pgp-signature');
    expect(type.params.micalg).toBe('pgp-sha512');
    const { parts } = parseMultipart(top);
    for (const b of parts[0]!.raw) expect(b).toBeLessThan(0x80);
    expect(dec.decode(parts[0]!.raw)).not.toMatch(/^From /m);
    expect(dec.decode(parts[0]!.raw)).not.toMatch(/[ \t]\r\n/);
    // RFC 9788 hp="clear": the headers are inside the signed part, and stay outside too.
    expect(getHeader(parts[0]!.entity, 'Content-Type')).toMatch(/hp="?clear/);
    expect(getHeader(parts[0]!.entity, 'Subject')).toBe('Quarterly numbers');
    expect(getHeader(top, 'Subject')).toBe('Quarterly numbers');

    const opened = await verifyMime(signed, { verificationKeys: [alice.publicKey] });
    expect(opened.signatures).toMatchObject([
      { status: 'valid', signerFingerprint: alice.fingerprint },
    ]);
    expect(opened.hp).toBe('clear');
    expect(field(opened.headers, 'Subject')).toBe('Quarterly numbers');
  });

  it('mailparser reads the signed message as text plus a signature attachment', async () => {
    const signed = await signMime(message, { signingKey: alice.privateKey });
    const parsed = await simpleParser(Buffer.from(signed));
    expect(parsed.subject).toBe('Quarterly numbers');
    expect(parsed.text).toContain('Grüße, Bob!');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['application/pgp-signature']);
  });

  it('encrypts with the Version part, hides the Subject and signs inside', async () => {
    const encrypted = await encryptMime(message, {
      recipientKeys: [bob.publicKey],
      signingKey: alice.privateKey,
    });
    const top = parseEntity(encrypted);
    expect(entityContentType(top)).toMatchObject({
      mediaType: 'multipart/encrypted',
      params: { protocol: 'application/pgp-encrypted' },
    });
    expect(getHeader(top, 'Subject')).toBe('[...]');
    expect(dec.decode(encrypted)).not.toContain('Quarterly');
    const { parts } = parseMultipart(top);
    expect(parts).toHaveLength(2);
    expect(dec.decode(parts[0]!.entity.body).trim()).toBe('Version: 1');
    expect(getHeader(parts[1]!.entity, 'Content-Type')).toMatch(/^application\/octet-stream/);
    expect(dec.decode(parts[1]!.entity.body)).toMatch(/^-----BEGIN PGP MESSAGE-----/);

    const parsed = await simpleParser(Buffer.from(encrypted));
    expect(parsed.subject).toBe('[...]');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual([
      'application/pgp-encrypted',
      'application/octet-stream',
    ]);

    const opened = await decryptMime(encrypted, {
      decryptionKeys: [bob.privateKey],
      verificationKeys: [alice.publicKey],
    });
    expect(opened.encrypted).toBe(true);
    expect(opened.hp).toBe('cipher');
    expect(field(opened.headers, 'Subject')).toBe('Quarterly numbers');
    expect(field(opened.hpOuter, 'Subject')).toBe('[...]');
    expect(opened.signatures).toMatchObject([{ status: 'valid' }]);
    expect(dec.decode(opened.entity.body)).toContain('Grüße, Bob!');
  });

  it('protected headers win over altered outer headers', async () => {
    const encrypted = dec.decode(await encryptMime(message, { recipientKeys: [bob.publicKey] }));
    const altered = enc.encode(encrypted.replace('Subject: [...]', 'Subject: Pay invoice now'));
    const opened = await decryptMime(altered, { decryptionKeys: [bob.privateKey] });
    expect(field(opened.outerHeaders, 'Subject')).toBe('Pay invoice now');
    expect(field(opened.headers, 'Subject')).toBe('Quarterly numbers');
  });

  it('handles a bare entity (no message headers) without header protection', async () => {
    const entity = enc.encode('Content-Type: text/plain\r\n\r\nhello\r\n');
    const signed = await signMime(entity, { signingKey: alice.privateKey });
    expect(dec.decode(signed)).toMatch(/^Content-Type: multipart\/signed/);
    const opened = await verifyMime(signed, { verificationKeys: [alice.publicKey] });
    expect(opened.hp).toBeUndefined();
    expect(dec.decode(opened.entity.body)).toBe('hello\r\n');
    const encrypted = await encryptMime(entity, { recipientKeys: [bob.publicKey] });
    const back = await decryptMime(encrypted, { decryptionKeys: [bob.privateKey] });
    expect(back.signatures).toEqual([]);
    expect(dec.decode(back.entity.body)).toBe('hello\r\n');
  });

  it('opens RFC 3156 §6.1 sign-then-encrypt (multipart/signed inside the encryption)', async () => {
    const signedEntity = await signMime(enc.encode('Content-Type: text/plain\r\n\r\nnested\r\n'), {
      signingKey: alice.privateKey,
    });
    // An entity has no From; the sender is the outer message's (alice, as the key names).
    const encrypted = joinMessage(
      [{ name: 'From', value: 'alice@example.org' }],
      parseEntity(await encryptMime(signedEntity, { recipientKeys: [bob.publicKey] })),
    );
    const opened = await decryptMime(encrypted, {
      decryptionKeys: [bob.privateKey],
      verificationKeys: [alice.publicKey],
    });
    expect(opened.signatures).toMatchObject([
      { status: 'valid', signerFingerprint: alice.fingerprint },
    ]);
    expect(dec.decode(opened.entity.body)).toBe('nested\r\n');
  });

  it('refuses input that is not PGP/MIME with EPGP_FORMAT', async () => {
    await expect(verifyMime(message, { verificationKeys: [] })).rejects.toMatchObject({
      code: 'EPGP_FORMAT',
    });
    await expect(decryptMime(message, { decryptionKeys: [bob.privateKey] })).rejects.toMatchObject({
      code: 'EPGP_FORMAT',
    });
  });
});

// openMessageFile: the streamed recipient path gives what openMessage gives, releases nothing
// that did not authenticate, and leaves no temporary file whatever happens.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage, toMime } from '@sealpost/compose';
import * as pgp from '@sealpost/pgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameAsInMemory } from '../../test/support/same-as-in-memory.js';
import { NO_KEYS, type OpenKeys } from '../open/open-keys.js';
import { openMessage } from '../open/open-message.js';
import { openMessageFile, streamedProtection } from '../open/open-message-file-entry.js';

let dir: string;
let spoolBase: string;
let alice: pgp.GeneratedKey;
let bob: pgp.GeneratedKey;
let plain: Uint8Array;
let keys: OpenKeys;
let counter = 0;

/** A body over the 256 KiB read chunk, so parts and lines cross chunk borders. */
const BODY = Array.from({ length: 9000 }, (_, i) => `line ${i} ${'x'.repeat(i % 90)}`).join('\n');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sealpost-open-file-test-'));
  spoolBase = join(dir, 'spool');
  mkdirSync(spoolBase);
  [alice, bob] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ email: 'bob@example.net' }] }),
  ]);
  plain = await toMime(
    createMessage({
      from: 'alice@example.org',
      to: 'bob@example.net',
      subject: 'Quarterly numbers',
      text: BODY,
      attachments: [{ filename: 'numbers.bin', content: Buffer.alloc(300 * 1024, 7) }],
    }),
    { forSigning: true },
  );
  keys = { ...NO_KEYS, pgpPrivateKeys: [bob.privateKey], pgpPublicKeys: [alice.publicKey] };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function messageFile(bytes: Uint8Array | string): string {
  const path = join(dir, `message-${++counter}.eml`);
  writeFileSync(path, bytes);
  return path;
}

/** Opens `bytes` both ways and checks the streamed result equals the in-memory one. */
function sameAsInMemory(bytes: Uint8Array, openKeys: OpenKeys = keys) {
  counter++;
  return expectSameAsInMemory({
    bytes,
    keys: openKeys,
    path: join(dir, `message-${counter}.eml`),
    out: join(dir, `out-${counter}.eml`),
    spoolBase,
  });
}

describe('openMessageFile', () => {
  it('decrypts PGP/MIME sign+encrypt like openMessage: signatures, integrity, hp, bytes', async () => {
    const bytes = await pgp.encryptMime(plain, {
      recipientKeys: [bob.publicKey],
      signingKey: alice.privateKey,
    });
    expect(await streamedProtection(messageFile(bytes))).toMatchObject({
      format: 'pgp-mime-encrypted',
    });
    const opened = await sameAsInMemory(bytes);
    expect(opened).toMatchObject({ integrity: 'mdc', headerProtection: 'cipher' });
    expect(opened.signatures).toEqual([expect.objectContaining({ status: 'valid' })]);
  });

  it('verifies PGP/MIME multipart/signed like openMessage, also with LF line ends', async () => {
    const bytes = await pgp.signMime(plain, { signingKey: alice.privateKey });
    const opened = await sameAsInMemory(bytes);
    expect(opened.signatures).toEqual([
      expect.objectContaining({ status: 'valid', addresses: ['alice@example.org'] }),
    ]);
    const counted = await openMessageFile(messageFile(bytes), keys, {
      spoolBase,
      keepMessage: false,
    });
    expect(counted.messageSize).toBe(opened.messageSize);
    await expect(counted.release(join(dir, 'never.eml'))).rejects.toMatchObject({
      code: 'EINTERNAL',
    });
    expect(() => counted.readMessage()).toThrow(expect.objectContaining({ code: 'EINTERNAL' }));
    await counted.dispose();
    const lf = new TextEncoder().encode(new TextDecoder().decode(bytes).replace(/\r\n/g, '\n'));
    expect((await sameAsInMemory(lf)).signatures[0]?.status).toBe('valid');
  });

  it('verifies a multipart/signed inside the encryption (RFC 3156 §6.1)', async () => {
    const signed = await pgp.signMime(plain, { signingKey: alice.privateKey });
    const bytes = await pgp.encryptMime(signed, { recipientKeys: [bob.publicKey] });
    const opened = await sameAsInMemory(bytes);
    expect(opened.signatures).toEqual([expect.objectContaining({ status: 'valid' })]);
  });

  it('binds the signer to From: a signature by a key without the From address is invalid', async () => {
    const mallory = await pgp.generateKey({ userIds: [{ email: 'mallory@example.com' }] });
    const bytes = await pgp.encryptMime(plain, {
      recipientKeys: [bob.publicKey],
      signingKey: mallory.privateKey,
    });
    const opened = await sameAsInMemory(bytes, { ...keys, pgpPublicKeys: [mallory.publicKey] });
    expect(opened.signatures).toEqual([
      expect.objectContaining({ status: 'invalid', code: 'EPGP_SIGNER_ADDRESS' }),
    ]);
  });

  it('a changed ciphertext (MDC failure) is EDECRYPT and leaves no file at all', async () => {
    const bytes = await pgp.encryptMime(plain, { recipientKeys: [bob.publicKey] });
    const text = new TextDecoder().decode(bytes);
    // A base64 character late in the armor: inside the encrypted data, before the MDC.
    const at = text.lastIndexOf('-----END PGP MESSAGE-----') - 400;
    const flipped = text[at] === 'A' ? 'B' : 'A';
    const path = messageFile(`${text.slice(0, at)}${flipped}${text.slice(at + 1)}`);
    const inMemory = await openMessage(new Uint8Array(readFileSync(path)), keys).catch((e) => e);
    await expect(openMessageFile(path, keys, { spoolBase })).rejects.toMatchObject({
      code: 'EDECRYPT',
      message: inMemory.message,
    });
    expect(readdirSync(spoolBase)).toEqual([]);
  });

  it('a changed signed part is an invalid signature, and the caller releases nothing', async () => {
    const bytes = await pgp.signMime(plain, { signingKey: alice.privateKey });
    const text = new TextDecoder().decode(bytes).replace('line 5000 ', 'line 5001 ');
    const opened = await openMessageFile(messageFile(text), keys, { spoolBase });
    expect(opened.signatures).toEqual([expect.objectContaining({ status: 'invalid' })]);
    const [spool] = readdirSync(spoolBase);
    expect(statSync(join(spoolBase, spool!)).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(join(spoolBase, spool!))) {
      expect(statSync(join(spoolBase, spool!, name)).mode & 0o777).toBe(0o600);
    }
    await opened.dispose();
    expect(readdirSync(spoolBase)).toEqual([]);
  });

  it('refuses what it cannot open: no key, no close delimiter, not protected', async () => {
    const bytes = await pgp.encryptMime(plain, { recipientKeys: [bob.publicKey] });
    await expect(openMessageFile(messageFile(bytes), NO_KEYS, { spoolBase })).rejects.toMatchObject(
      {
        code: 'EUSAGE',
      },
    );
    const text = new TextDecoder().decode(bytes);
    const cut = messageFile(text.slice(0, text.lastIndexOf('--')));
    await expect(openMessageFile(cut, keys, { spoolBase })).rejects.toMatchObject({
      code: 'EMIME',
    });
    expect(await streamedProtection(messageFile(plain))).toBeNull();
    // S/MIME is streamed too (decision 0124), but OpenPGP keys do not open it.
    const smime = 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nMIA=\r\n';
    expect(await streamedProtection(messageFile(smime))).toMatchObject({ scheme: 'smime' });
    await expect(openMessageFile(messageFile(smime), keys, { spoolBase })).rejects.toMatchObject({
      code: 'EUSAGE',
    });
    await expect(openMessageFile(messageFile(plain), keys, { spoolBase })).rejects.toMatchObject({
      code: 'ENOT_PROTECTED',
    });
    expect(readdirSync(spoolBase)).toEqual([]);
  });
});

// openMessageFile for S/MIME: the streamed recipient path gives what openMessage gives for
// sealpost's own and openssl's streamed messages, releases nothing that did not authenticate,
// and leaves no temporary file whatever happens.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage, toMime } from '@sealpost/compose';
import * as smime from '@sealpost/smime';
import { contentDecrypt, rsaRawDecrypt } from '@sealpost/smime/node';
import { openssl, sharedTestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameAsInMemory } from '../../test/support/same-as-in-memory.js';
import { NO_KEYS, type OpenKeys, type OpenOptions } from '../open/open-keys.js';
import { openMessage } from '../open/open-message.js';
import { openMessageFile, streamedProtection } from '../open/open-message-file-entry.js';

let dir: string;
let spoolBase: string;
let plain: Uint8Array;
let keys: OpenKeys;
let alice: smime.SignerOptions;
let mallory: smime.SignerOptions;
let bobCertificate: smime.SmimeCertificate;
let pem: { aliceCert: string; aliceKey: string; bobCert: string; plain: string };
let counter = 0;

// What the CLI passes (OPENING_IN_NODE): openssl's RSA key transport is PKCS#1 v1.5, and
// 3DES from older clients needs Node's cipher in memory too.
const OPTIONS: OpenOptions = { rsaRawDecrypt, contentDecrypt };

/** A body over the 256 KiB read chunk, so parts and lines cross chunk borders. */
const BODY = Array.from({ length: 9000 }, (_, i) => `line ${i} ${'x'.repeat(i % 90)}`).join('\n');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sealpost-open-file-smime-test-'));
  spoolBase = join(dir, 'spool');
  mkdirSync(spoolBase);
  const ca = await sharedTestCa();
  const [a, b, m] = await Promise.all([
    ca.issueEmailCertificate('alice@example.org', { keyType: 'rsa-2048' }),
    ca.issueEmailCertificate('bob@example.net', { keyType: 'rsa-2048' }),
    ca.issueEmailCertificate('mallory@example.com', { keyType: 'rsa-2048' }),
  ]);
  const signer = (issued: { certPem: string; keyPem: string }) => ({
    certificate: smime.readCertificate(issued.certPem),
    privateKey: smime.readPrivateKey(issued.keyPem),
  });
  alice = signer(a);
  mallory = signer(m);
  bobCertificate = smime.readCertificate(b.certPem);
  keys = {
    ...NO_KEYS,
    smimeIdentities: [
      { privateKey: smime.readPrivateKey(b.keyPem), certificates: [bobCertificate] },
    ],
    smimeTrustAnchors: [smime.readCertificate(ca.certPem)],
  };
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
  const file = (name: string, bytes: Uint8Array | string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  pem = {
    aliceCert: file('alice.pem', a.certPem),
    aliceKey: file('alice.key', a.keyPem),
    bobCert: file('bob.pem', b.certPem),
    plain: file('plain.eml', plain),
  };
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
    options: OPTIONS,
    path: join(dir, `message-${counter}.eml`),
    out: join(dir, `out-${counter}.eml`),
    spoolBase,
  });
}

/** `openssl cms` with S/MIME output, streamed (BER, indefinite lengths) as a peer writes it. */
async function opensslCms(args: readonly string[], recipients: readonly string[] = []) {
  return new Uint8Array(
    await openssl([
      'cms',
      ...args,
      '-stream',
      '-in',
      pem.plain,
      '-from',
      'alice@example.org',
      '-to',
      'bob@example.net',
      '-subject',
      'Quarterly numbers',
      ...recipients, // last: openssl reads the certificate files after the options
    ]),
  );
}

/** `text` with one base64 character of its last body line `back` characters from its end changed. */
function flipped(bytes: Uint8Array, back: number): string {
  const text = new TextDecoder().decode(bytes).trimEnd();
  const lastLine = text.lastIndexOf('\n') + 1;
  const line = text.slice(lastLine).replace(/=+$/, '');
  const at = lastLine + Math.min(back, line.length - 1);
  const flip = text[at] === 'A' ? 'B' : 'A';
  return `${text.slice(0, at)}${flip}${text.slice(at + 1)}\r\n`;
}

describe('openMessageFile (S/MIME)', () => {
  it('decrypts AuthEnvelopedData (AES-GCM) like openMessage: integrity, hp, bytes', async () => {
    const bytes = await smime.encryptMime(plain, { recipients: [bobCertificate] });
    expect(await streamedProtection(messageFile(bytes))).toMatchObject({
      format: 'smime-enveloped',
    });
    const opened = await sameAsInMemory(bytes);
    expect(opened).toMatchObject({
      encryption: { structure: 'authEnvelopedData' },
      integrity: 'aead',
      headerProtection: 'cipher',
      signatures: [],
    });
  });

  it('decrypts EnvelopedData (AES-CBC, PKCS#1 v1.5) with the same integrity note', async () => {
    const bytes = await smime.encryptMime(plain, {
      recipients: [bobCertificate],
      contentEncryption: 'aes-256-cbc',
      rsaPadding: 'pkcs1v15',
    });
    const opened = await sameAsInMemory(bytes);
    expect(opened).toMatchObject({ encryption: { structure: 'envelopedData' }, integrity: 'none' });
    expect(opened.notes.length).toBeGreaterThan(0);
  });

  it('verifies the signature inside the encryption (sign-then-encrypt), detached and opaque', async () => {
    for (const format of ['detached', 'opaque'] as const) {
      const bytes = await smime.encryptMime(plain, {
        recipients: [bobCertificate],
        sign: { ...alice, format },
      });
      const opened = await sameAsInMemory(bytes);
      expect(opened.signatures).toEqual([
        expect.objectContaining({ status: 'valid', addresses: ['alice@example.org'] }),
      ]);
    }
  });

  it('binds the signer to From: a certificate without the From address is invalid', async () => {
    const bytes = await smime.encryptMime(plain, {
      recipients: [bobCertificate],
      sign: mallory,
    });
    const opened = await sameAsInMemory(bytes);
    expect(opened.signatures).toEqual([
      expect.objectContaining({ status: 'invalid', code: 'ESMIME_CERT_ADDRESS' }),
    ]);
  });

  it('verifies multipart/signed and opaque signed-data like openMessage, also with LF line ends', async () => {
    const detached = await smime.signMime(plain, alice);
    const opened = await sameAsInMemory(detached);
    expect(opened.signatures).toEqual([expect.objectContaining({ status: 'valid' })]);
    const lf = new TextEncoder().encode(new TextDecoder().decode(detached).replace(/\r\n/g, '\n'));
    expect((await sameAsInMemory(lf)).signatures[0]?.status).toBe('valid');
    const opaque = await smime.signMime(plain, { ...alice, format: 'opaque' });
    expect(await streamedProtection(messageFile(opaque))).toMatchObject({
      format: 'smime-signed-opaque',
    });
    expect((await sameAsInMemory(opaque)).signatures[0]?.status).toBe('valid');
    // Without the anchor the signer is unknown, not an error.
    const untrusted = await sameAsInMemory(opaque, { ...keys, smimeTrustAnchors: [] });
    expect(untrusted.signatures[0]?.status).toBe('unknown-key');
  });

  it('opens what openssl cms -stream writes: GCM, CBC, 3DES, detached and opaque signatures', async () => {
    for (const cipher of ['-aes-256-gcm', '-aes256', '-des3']) {
      const bytes = await opensslCms(['-encrypt', cipher], [pem.bobCert]);
      const opened = await sameAsInMemory(bytes);
      expect(opened.integrity).toBe(cipher === '-aes-256-gcm' ? 'aead' : 'none');
      // 3DES is read, never written, and said to be weak (the same note as in memory).
      if (cipher === '-des3') expect(opened.notes.join(' ')).toMatch(/3DES|Triple|DES/i);
    }
    const sign = ['-sign', '-signer', pem.aliceCert, '-inkey', pem.aliceKey];
    for (const bytes of [await opensslCms(sign), await opensslCms([...sign, '-nodetach'])]) {
      const opened = await sameAsInMemory(bytes);
      expect(opened.signatures).toEqual([expect.objectContaining({ status: 'valid' })]);
    }
  });

  it('a changed ciphertext or GCM tag is ESMIME_DECRYPT and leaves no file at all', async () => {
    const bytes = await smime.encryptMime(plain, { recipients: [bobCertificate] });
    // Near the end of the last base64 line: the tag; 2000 lines earlier: the ciphertext.
    const text = new TextDecoder().decode(bytes);
    const lines = text.split('\r\n');
    const early = lines.length - 2000;
    lines[early] = `${lines[early]![0] === 'A' ? 'B' : 'A'}${lines[early]!.slice(1)}`;
    for (const changed of [flipped(bytes, 8), lines.join('\r\n')]) {
      const path = messageFile(changed);
      const inMemory = await openMessage(new Uint8Array(readFileSync(path)), keys, OPTIONS).catch(
        (e) => e,
      );
      expect(inMemory).toMatchObject({ code: 'ESMIME_DECRYPT' });
      await expect(openMessageFile(path, keys, { ...OPTIONS, spoolBase })).rejects.toMatchObject({
        code: 'ESMIME_DECRYPT',
        message: inMemory.message,
      });
      expect(readdirSync(spoolBase)).toEqual([]);
    }
  });

  it('a changed signed part is an invalid signature, and the caller releases nothing', async () => {
    const bytes = await smime.signMime(plain, alice);
    const text = new TextDecoder().decode(bytes).replace('line 5000 ', 'line 5001 ');
    const path = messageFile(text);
    const inMemory = await openMessage(new Uint8Array(readFileSync(path)), keys, OPTIONS);
    const opened = await openMessageFile(path, keys, { ...OPTIONS, spoolBase });
    expect(opened.signatures).toEqual([expect.objectContaining({ status: 'invalid' })]);
    expect(opened.signatures).toEqual(inMemory.signatures);
    await opened.dispose();
    expect(readdirSync(spoolBase)).toEqual([]);
  });

  it('a signature inside that brings its own content is refused with the in-memory text', async () => {
    const detached = new TextDecoder().decode(await smime.signMime(plain, alice));
    // A small one: a signature part over 1 MiB is refused before it is read (ESMIME_FORMAT).
    const small = await toMime(
      createMessage({ from: 'alice@example.org', to: 'bob@example.net', text: 'Other.' }),
    );
    const opaque = new TextDecoder().decode(
      await smime.signMime(small, { ...alice, format: 'opaque' }),
    );
    const der = opaque.slice(opaque.indexOf('\r\n\r\n') + 4).trim();
    const part = detached.indexOf('application/pkcs7-signature;');
    const from = detached.indexOf('\r\n\r\n', part) + 4;
    const to = detached.indexOf('\r\n--', from);
    const confused = `${detached.slice(0, from)}${der}${detached.slice(to)}`;
    const bytes = await smime.encryptMime(new TextEncoder().encode(confused), {
      recipients: [bobCertificate],
    });
    const inMemory = await openMessage(bytes, keys, OPTIONS).catch((e) => e);
    expect(inMemory).toMatchObject({ code: 'ESMIME_CONTENT_CONFUSION' });
    await expect(
      openMessageFile(messageFile(bytes), keys, { ...OPTIONS, spoolBase }),
    ).rejects.toMatchObject({ code: 'ESMIME_CONTENT_CONFUSION', message: inMemory.message });
    expect(readdirSync(spoolBase)).toEqual([]);
  });

  it('refuses what it cannot open: no key, not for us, no content, and leaves nothing', async () => {
    const bytes = await smime.encryptMime(plain, { recipients: [bobCertificate] });
    const path = messageFile(bytes);
    await expect(openMessageFile(path, NO_KEYS, { spoolBase })).rejects.toMatchObject({
      code: 'EUSAGE',
    });
    const notOurs = await smime.encryptMime(plain, { recipients: [alice.certificate] });
    await expect(
      openMessageFile(messageFile(notOurs), keys, { ...OPTIONS, spoolBase }),
    ).rejects.toMatchObject({ code: 'ESMIME_DECRYPT' });
    const empty = 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nMIA=\r\n';
    await expect(
      openMessageFile(messageFile(empty), keys, { ...OPTIONS, spoolBase }),
    ).rejects.toMatchObject({ code: 'ESMIME_FORMAT' });
    expect(readdirSync(spoolBase)).toEqual([]);
  });
});

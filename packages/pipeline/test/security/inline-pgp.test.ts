// Inline PGP (RFC 9580 §7 cleartext signatures, §6.2 armored messages in a text part): decrypt
// and verify open only the block, show only its text, and say what is not covered; inspect
// says which lines are covered. Hostile inputs are made here with openpgp.js.
import * as pgp from '@sealpost/pgp';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectMessage, NO_KEYS, openMessage } from '../../src/recipient.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const HEADERS =
  'From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Inline\r\n' +
  'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n';
const SECRET = 'The vault code is kq4711.';

let alice: pgp.GeneratedKey;
let bob: pgp.GeneratedKey;
beforeAll(async () => {
  [alice, bob] = await Promise.all([
    pgp.generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.net' }] }),
  ]);
});

async function cleartextSigned(text: string): Promise<string> {
  return openpgp.sign({
    message: await openpgp.createCleartextMessage({ text }),
    signingKeys: alice.privateKey,
  });
}

describe('inline PGP signed block surrounded by unsigned text', () => {
  async function message() {
    const block = await cleartextSigned('Meet me at noon.');
    const body = `UNSIGNED PREAMBLE: pay Mallory.\r\n\r\n${block.replace(/\r?\n/g, '\r\n')}\r\nUNSIGNED FOOTER\r\n`;
    return bytes(`${HEADERS}${body}`);
  }

  it('verify shows only the signed text and says the rest is not covered', async () => {
    const opened = await openMessage(await message(), {
      ...NO_KEYS,
      pgpPublicKeys: [alice.publicKey],
    });
    expect(opened).toMatchObject({ scheme: 'pgp', inline: true, encrypted: false });
    expect(opened.signatures[0]).toMatchObject({
      status: 'valid',
      addresses: ['alice@example.org'],
    });
    const shown = new TextDecoder().decode(opened.message);
    expect(shown).toContain('Meet me at noon.');
    expect(shown).not.toContain('Mallory');
    expect(opened.notes.join(' ')).toContain('Text outside the signed block');
  });

  it('inspect names the covered lines and first words, and that outside text is not covered', async () => {
    const inspection = await inspectMessage(await message());
    expect(inspection.signature?.inline).toMatchObject({
      surrounded: true,
      firstWords: 'Meet me at noon.',
    });
    expect(inspection.notes.join(' ')).toMatch(/only lines \d+–\d+ of \d+ are the signed block/);
    expect(inspection.notes.join(' ')).toContain('text outside the signed block is not covered');
  });

  it('a cleartext signature by a key without the From address is invalid', async () => {
    const block = await openpgp.sign({
      message: await openpgp.createCleartextMessage({ text: 'Pay.' }),
      signingKeys: bob.privateKey,
    });
    const opened = await openMessage(bytes(`${HEADERS}${block}`), {
      ...NO_KEYS,
      pgpPublicKeys: [bob.publicKey],
    });
    expect(opened.signatures[0]).toMatchObject({ status: 'invalid', code: 'EPGP_SIGNER_ADDRESS' });
  });
});

describe('inline PGP encrypted block', () => {
  it('decrypts the block and checks the signature inside', async () => {
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'Inline secret text.' }),
      encryptionKeys: bob.publicKey,
      signingKeys: alice.privateKey,
    });
    const opened = await openMessage(bytes(`${HEADERS}Hi\r\n${armored}`), {
      ...NO_KEYS,
      pgpPrivateKeys: [bob.privateKey],
      pgpPublicKeys: [alice.publicKey],
    });
    expect(opened).toMatchObject({ inline: true, encrypted: true });
    expect(['mdc', 'aead']).toContain(opened.integrity);
    expect(opened.signatures[0]?.status).toBe('valid');
    expect(new TextDecoder().decode(opened.message)).toContain('Inline secret text.');
  });

  it('an error about the decrypted content quotes none of it', async () => {
    // Not UTF-8 text: the decrypted bytes are refused, and the refusal must not quote them.
    const content = new Uint8Array([...bytes(SECRET), 0xff, 0xfe, 0x80]);
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: content }),
      encryptionKeys: bob.publicKey,
    });
    const error = await openMessage(bytes(`${HEADERS}${armored}`), {
      ...NO_KEYS,
      pgpPrivateKeys: [bob.privateKey],
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EPGP_FORMAT' });
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('kq4711');
  });
});

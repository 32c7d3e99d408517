/**
 * The signer certificate must name the one From address (RFC 8550 §3); a sender that is not
 * one mailbox (RFC 5322 §3.6) is refused, whatever the first From says ("Johnny, You Are
 * Fired!", USENIX Security 2019, §4 ID attacks).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptMime } from '../../src/mime/encrypt-mime.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { verifyMime } from '../../src/mime/verify-mime.js';
import { rsaRawDecrypt } from '../../src/node/rsa-raw-decrypt.js';
import { type Fixtures, fixtures, party } from '../fixtures.js';

const enc = new TextEncoder();
const messageFrom = (...from: string[]) =>
  enc.encode(
    `${from.map((f) => `From: ${f}\r\n`).join('')}To: bob@example.test\r\nSubject: Pay\r\n` +
      'Content-Type: text/plain\r\n\r\nPlease pay 1000 EUR to account 6666.\r\n',
  );

let f: Fixtures;
beforeAll(async () => {
  f = await fixtures();
});

const trust = () => ({ trustAnchors: [f.anchor] });
const signerOf = (code: string) => ({ status: 'invalid', signers: [{ error: { code } }] });

describe('more than one From', () => {
  it('two From fields are refused even when the first names the signer', async () => {
    const signed = await signMime(messageFrom('alice@example.test', 'eve@evil.test'), {
      ...f.alice.ec,
      headerProtection: false,
    });
    const result = await verifyMime(signed, trust());
    expect(result.signature).toMatchObject(signerOf('ESENDER_AMBIGUOUS'));
  });

  it('one From with two mailboxes is refused', async () => {
    const signed = await signMime(messageFrom('alice@example.test, eve@evil.test'), f.alice.ec);
    expect((await verifyMime(signed, trust())).signature).toMatchObject(
      signerOf('ESENDER_AMBIGUOUS'),
    );
  });

  it('an unquoted address as display name (shown as the sender by some clients) is refused', async () => {
    const eve = await party(f.ca, 'eve@evil.test', 'ec-p256');
    const signed = await signMime(messageFrom('alice@example.test <eve@evil.test>'), eve);
    expect((await verifyMime(signed, trust())).signature).toMatchObject(
      signerOf('ESENDER_AMBIGUOUS'),
    );
  });

  it('no From at all is refused', async () => {
    const signed = await signMime(
      enc.encode('Subject: Pay\r\nContent-Type: text/plain\r\n\r\nPay.\r\n'),
      f.alice.ec,
    );
    expect((await verifyMime(signed, trust())).signature).toMatchObject(
      signerOf('ESENDER_MISSING'),
    );
  });

  it('inside an encrypted message, two From fields are refused too', async () => {
    const signed = await signMime(messageFrom('alice@example.test', 'eve@evil.test'), {
      ...f.alice.ec,
      headerProtection: false,
    });
    const encrypted = await encryptMime(signed, {
      recipients: [f.bob.rsa.certificate],
      headerProtection: false,
    });
    const opened = await decryptMime(encrypted, {
      ...f.bob.rsa,
      rsaRawDecrypt,
      trustAnchors: [f.anchor],
    });
    expect(opened.signature).toMatchObject(signerOf('ESENDER_AMBIGUOUS'));
  });

  it('one From naming the signer, in any case of the domain, stays valid', async () => {
    const signed = await signMime(messageFrom('Alice <alice@EXAMPLE.test>'), f.alice.ec);
    expect((await verifyMime(signed, trust())).signature.status).toBe('valid');
  });
});

// The recipient side at the openMessage / inspectMessage level (issue 10): each hostile input
// is made here, at test time, and each assertion failed before its fix.
import { joinMessage, splitMessage } from '@sealpost/compose';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { rsaRawDecrypt } from '@sealpost/smime/node';
import { sharedTestCa } from '@sealpost/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentMalleable, inspectMessage, NO_KEYS, openMessage } from '../../src/recipient.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const SECRET = 'The vault code is kq4711.';
const HEADERS = 'From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Hi\r\n';

let alice: pgp.GeneratedKey;
let eve: pgp.GeneratedKey;
beforeAll(async () => {
  [alice, eve] = await Promise.all([
    pgp.generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ name: 'Eve', email: 'eve@evil.example' }] }),
  ]);
});

describe('OpenPGP signer binding reaches the opened message', () => {
  it("From alice@ signed by Eve's key: invalid, EPGP_SIGNER_ADDRESS, Eve's user IDs listed", async () => {
    const signed = await pgp.signMime(bytes(`${HEADERS}Content-Type: text/plain\r\n\r\nPay.\r\n`), {
      signingKey: eve.privateKey,
    });
    const opened = await openMessage(signed, { ...NO_KEYS, pgpPublicKeys: [eve.publicKey] });
    expect(opened.signatures[0]).toMatchObject({
      status: 'invalid',
      code: 'EPGP_SIGNER_ADDRESS',
      userIds: ['Eve <eve@evil.example>'],
      addresses: [],
    });
    const own = await pgp.signMime(bytes(`${HEADERS}Content-Type: text/plain\r\n\r\nPay.\r\n`), {
      signingKey: alice.privateKey,
    });
    const valid = await openMessage(own, { ...NO_KEYS, pgpPublicKeys: [alice.publicKey] });
    expect(valid.signatures[0]).toMatchObject({
      status: 'valid',
      addresses: ['alice@example.org'],
    });
  });
});

describe('one From to bind a signature to', () => {
  it('two From fields: even an unknown signer is refused with ESENDER_AMBIGUOUS', async () => {
    const signed = await pgp.signMime(bytes(`${HEADERS}Content-Type: text/plain\r\n\r\nPay.\r\n`), {
      signingKey: eve.privateKey,
      headerProtection: false,
    });
    const { messageHeaders, entity } = splitMessage(signed);
    const twoFrom = joinMessage(
      [...messageHeaders, { name: 'From', value: 'x@y.example' }],
      entity,
    );
    const opened = await openMessage(twoFrom, NO_KEYS);
    expect(opened.signatures[0]).toMatchObject({ status: 'invalid', code: 'ESENDER_AMBIGUOUS' });
  });

  it('no From inside S/MIME encryption: the inner signature is refused with ESENDER_MISSING', async () => {
    const ca = await sharedTestCa();
    const [signer, bob] = await Promise.all([
      ca.issueEmailCertificate('alice@example.org', { keyType: 'ec-p256' }),
      ca.issueEmailCertificate('bob@example.net', { keyType: 'rsa-2048' }),
    ]);
    const message = bytes('To: bob@example.net\r\nContent-Type: text/plain\r\n\r\nHi.\r\n');
    const encrypted = await smime.encryptMime(message, {
      recipients: [smime.readCertificate(bob.certPem)],
      sign: {
        certificate: smime.readCertificate(signer.certPem),
        privateKey: smime.readPrivateKey(signer.keyPem),
      },
      headerProtection: false,
    });
    const opened = await openMessage(
      encrypted,
      {
        ...NO_KEYS,
        smimeIdentities: [
          {
            privateKey: smime.readPrivateKey(bob.keyPem),
            certificates: [smime.readCertificate(bob.certPem)],
          },
        ],
        smimeTrustAnchors: [smime.readCertificate(ca.certPem)],
      },
      { rsaRawDecrypt },
    );
    expect(opened.signatures[0]).toMatchObject({ status: 'invalid', code: 'ESENDER_MISSING' });
  });
});

describe('integrity of decrypted content (EFAIL)', () => {
  it('S/MIME EnvelopedData (CBC) without a signature: integrity "none", a note, malleable', async () => {
    const ca = await sharedTestCa();
    const bob = await ca.issueEmailCertificate('bob@example.net', { keyType: 'rsa-2048' });
    const encrypted = await smime.encryptMime(
      bytes(`${HEADERS}Content-Type: text/plain\r\n\r\n${SECRET}\r\n`),
      { recipients: [smime.readCertificate(bob.certPem)], contentEncryption: 'aes-256-cbc' },
    );
    const keys = {
      ...NO_KEYS,
      smimeIdentities: [
        {
          privateKey: smime.readPrivateKey(bob.keyPem),
          certificates: [smime.readCertificate(bob.certPem)],
        },
      ],
    };
    const opened = await openMessage(encrypted, keys, { rsaRawDecrypt });
    expect(opened.integrity).toBe('none');
    expect(contentMalleable(opened)).toBe(true);
    expect(opened.notes.join(' ')).toContain('EFAIL');
  });

  it('OpenPGP reports its integrity protection (mdc or aead)', async () => {
    const bob = await pgp.generateKey({ userIds: [{ email: 'bob@example.net' }] });
    const encrypted = await pgp.encryptMime(
      bytes(`${HEADERS}Content-Type: text/plain\r\n\r\nx\r\n`),
      {
        recipientKeys: [bob.publicKey],
      },
    );
    const opened = await openMessage(encrypted, { ...NO_KEYS, pgpPrivateKeys: [bob.privateKey] });
    expect(['mdc', 'aead']).toContain(opened.integrity);
    expect(contentMalleable(opened)).toBe(false);
  });
});

describe('legacy protected-headers="v1"', () => {
  const legacyPayload = (from: string) =>
    `Content-Type: text/plain; charset=utf-8; protected-headers="v1"\r\nFrom: ${from}\r\n` +
    'Subject: The real subject\r\n\r\nHello.\r\n';

  // RFC 3156 §5 by hand: the payload keeps its own header fields (signMime would lift them).
  async function legacySigned(from: string) {
    const payload = legacyPayload(from);
    const signature = await pgp.signDetached(bytes(payload), { signingKey: alice.privateKey });
    return bytes(
      'From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: ...\r\n' +
        'MIME-Version: 1.0\r\nContent-Type: multipart/signed; boundary="b"; ' +
        `protocol="application/pgp-signature"; micalg=pgp-${signature.hashAlgorithm}\r\n\r\n` +
        `--b\r\n${payload}\r\n--b\r\nContent-Type: application/pgp-signature\r\n\r\n` +
        `${signature.armored.replace(/\r?\n/g, '\r\n')}\r\n--b--\r\n`,
    );
  }

  it('shows the payload Subject, marked legacy-v1, never as RFC 9788', async () => {
    const opened = await openMessage(await legacySigned('Alice <alice@example.org>'), {
      ...NO_KEYS,
      pgpPublicKeys: [alice.publicKey],
    });
    expect(opened.headerProtection).toBe('legacy-v1');
    expect(opened.headers).toContainEqual({ name: 'Subject', value: 'The real subject' });
    expect(opened.signatures[0]?.status).toBe('valid');
  });

  it('a payload From other than the outer From: no signature vouches for what is shown', async () => {
    const opened = await openMessage(await legacySigned('Mallory <m@evil.example>'), {
      ...NO_KEYS,
      pgpPublicKeys: [alice.publicKey],
    });
    expect(opened.signatures[0]).toMatchObject({ status: 'invalid', code: 'ESENDER_AMBIGUOUS' });
  });
});

describe('inspect looks inside opaque S/MIME signed-data', () => {
  it('sees hp="clear" in the eContent', async () => {
    const ca = await sharedTestCa();
    const signer = await ca.issueEmailCertificate('alice@example.org', { keyType: 'ec-p256' });
    const signed = await smime.signMime(
      bytes(`${HEADERS}Content-Type: text/plain\r\n\r\nHello.\r\n`),
      {
        certificate: smime.readCertificate(signer.certPem),
        privateKey: smime.readPrivateKey(signer.keyPem),
        format: 'opaque',
      },
    );
    const inspection = await inspectMessage(signed);
    expect(inspection.signature?.format).toBe('smime-signed-opaque');
    expect(inspection.headerProtection).toMatchObject({ hp: 'clear', scheme: 'rfc9788' });
  });
});

describe('errors quote no decrypted plaintext', () => {
  it('a PGP/MIME payload that is no MIME entity fails without quoting it', async () => {
    const bob = await pgp.generateKey({ userIds: [{ email: 'bob@example.net' }] });
    const encrypted = await pgp.encryptMime(
      bytes(`${HEADERS}Content-Type: text/plain\r\n\r\nx\r\n`),
      {
        recipientKeys: [bob.publicKey],
      },
    );
    // Replace the OpenPGP data with a message whose plaintext is the secret, not a MIME entity.
    const armored = await pgp.encryptMessage(bytes(`${SECRET}\r\n`), {
      recipientKeys: [bob.publicKey],
    });
    const text = new TextDecoder().decode(encrypted);
    const swapped = text.replace(
      /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/,
      armored.trim(),
    );
    const error = await openMessage(bytes(swapped), {
      ...NO_KEYS,
      pgpPrivateKeys: [bob.privateKey],
    }).then(
      () => null,
      (e: unknown) => e,
    );
    if (error !== null) expect(JSON.stringify(error) + String(error)).not.toContain('kq4711');
  });
});

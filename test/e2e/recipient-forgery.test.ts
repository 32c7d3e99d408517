// The built binary on forged signatures ("Johnny, You Are Fired!", USENIX Security 2019):
// what the packages now refuse must not reach the user as "valid".
import { join } from 'node:path';
import { joinMessage, splitMessage } from '@sealpost/compose';
import * as pgp from '@sealpost/pgp';
import { openssl, sharedTestCa, tempFiles } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSealpost } from './run-cli.js';

type Files = Awaited<ReturnType<typeof tempFiles>>;
let files: Files;
const path = (name: string) => join(files.dir, name);
const SHOWN = 'Content-Type: text/plain\r\n\r\nPlease pay 1000 EUR to Mallory.\r\n';
const HEADERS =
  'From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Pay\r\nMIME-Version: 1.0\r\n';

function multipartSigned(firstPart: string, der: Uint8Array): string {
  const base64 = (
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
  return (
    `${HEADERS}Content-Type: multipart/signed; protocol="application/pkcs7-signature"; ` +
    'micalg=sha-256; boundary="sig"\r\n\r\n' +
    `--sig\r\n${firstPart}\r\n--sig\r\nContent-Type: application/pkcs7-signature\r\n` +
    `Content-Transfer-Encoding: base64\r\n\r\n${base64}\r\n--sig--\r\n`
  );
}

beforeAll(async () => {
  files = await tempFiles('sealpost-e2e-forgery-');
  const ca = await sharedTestCa();
  const alice = await ca.issueEmailCertificate('alice@example.org', { keyType: 'ec-p256' });
  await files.write('ca.pem', ca.certPem);
  const [cert, key, other] = await Promise.all([
    files.write('alice.pem', alice.certPem),
    files.write('alice.key', alice.keyPem),
    files.write('other.txt', 'Content-Type: text/plain\r\n\r\nSee you at lunch.\r\n'),
  ]);
  const opaque = await openssl([
    ...['cms', '-sign', '-nodetach', '-binary', '-md', 'sha256', '-in', other],
    ...['-signer', cert, '-inkey', key, '-outform', 'DER'],
  ]);
  await files.write('smime-confused.eml', multipartSigned(SHOWN, new Uint8Array(opaque)));

  const eve = await pgp.generateKey({ userIds: [{ name: 'Eve', email: 'eve@evil.example' }] });
  await files.write('eve.asc', eve.armoredPublicKey);
  const fromAlice = new TextEncoder().encode(`${HEADERS}Content-Type: text/plain\r\n\r\nPay.\r\n`);
  await files.write(
    'pgp-eve-as-alice.eml',
    await pgp.signMime(fromAlice, { signingKey: eve.privateKey }),
  );
  // Eve signs a message From alice@ and adds her own From after it: a client may show alice@.
  const signed = await pgp.signMime(fromAlice, {
    signingKey: eve.privateKey,
    headerProtection: false,
  });
  const { messageHeaders, entity } = splitMessage(signed);
  await files.write(
    'pgp-two-from.eml',
    joinMessage([...messageHeaders, { name: 'From', value: 'eve@evil.example' }], entity),
  );
}, 60_000);

afterAll(async () => {
  await files?.dispose();
});

describe('sealpost verify refuses forged signatures', () => {
  it('S/MIME multipart/signed carrying an opaque signature of other text: not valid, nothing shown', async () => {
    const { code, out, err } = await runSealpost([
      'verify',
      path('smime-confused.eml'),
      '--anchor',
      path('ca.pem'),
    ]);
    expect(code).not.toBe(0);
    expect(err).toContain('ESMIME_CONTENT_CONFUSION');
    expect(out).not.toContain('Mallory');
  });

  it("PGP/MIME From alice@ signed by Eve's key exits 5 (ESIGNATURE_INVALID)", async () => {
    const { code, out, err } = await runSealpost([
      'verify',
      path('pgp-eve-as-alice.eml'),
      '--key',
      path('eve.asc'),
    ]);
    expect(code).toBe(5);
    expect(err).toContain('ESIGNATURE_INVALID');
    expect(err).toContain('no valid user ID with the From address');
    expect(out).not.toContain('Pay.');
  });

  it('PGP/MIME with two From fields exits 5', async () => {
    const { code, err } = await runSealpost([
      'verify',
      path('pgp-two-from.eml'),
      '--key',
      path('eve.asc'),
    ]);
    expect(code).toBe(5);
    expect(err).toContain('ESIGNATURE_INVALID');
  });
});

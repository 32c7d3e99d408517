/**
 * Keys, certificates and protected messages on disk for the inspect / decrypt / verify tests:
 * what a recipient would have. Made once per test file (key generation is the slow part).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage, toMime } from '@sealpost/compose';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { exportPkcs12, openssl, sharedTestCa, tempFiles } from '@sealpost/testkit';
import * as openpgp from 'openpgp';

export const ALICE = 'alice@example.org';
export const BOB = 'bob@example.net';
export const SUBJECT = 'Quarterly numbers';
export const PASSPHRASE = 'correct horse battery staple';
export const BODY = 'The numbers are in the attachment.';

export interface RecipientFixtures {
  readonly dir: string;
  /** File name (in `dir`) → path. */
  readonly files: Readonly<Record<FixtureFile, string>>;
  readonly alicePgpFingerprint: string;
  readonly bobPgpKeyIds: readonly string[];
  dispose(): Promise<void>;
}

export type FixtureFile =
  | 'plain.eml'
  | 'pgp-encrypted.eml'
  | 'pgp-encrypted-hidden.eml'
  | 'pgp-signed.eml'
  | 'pgp-tampered.eml'
  | 'pgp-signed-tampered.eml'
  | 'smime-encrypted.eml'
  | 'smime-signed.eml'
  | 'smime-signed-tampered.eml'
  | 'smime-tampered.eml'
  | 'smime-openssl-pkcs1.eml'
  | 'smime-openssl-signed.eml'
  | 'smime-opaque.eml'
  | 'smime-ec-encrypted.eml'
  | 'bob-ec.pem'
  | 'bob.sec.asc'
  | 'bob.asc'
  | 'alice.asc'
  | 'alice-revoked.asc'
  | 'bob-smime.pem'
  | 'bob.p12'
  | 'ca.pem'
  | 'passphrase.txt';

/** Changes one base64/armor character halfway between `marker` and the end of the message. */
export function tamper(bytes: Uint8Array, marker: string): Uint8Array {
  const text = new TextDecoder().decode(bytes);
  const start = text.indexOf(marker);
  if (start === -1) throw new Error(`marker ${marker} not in message`);
  // Well inside the ciphertext (past the recipient infos / session-key packets).
  const lineStart = text.indexOf('\n', start + Math.floor((text.length - start) * 0.6)) + 1;
  const i = lineStart + 10;
  const swapped = text[i] === 'A' ? 'B' : 'A';
  return new TextEncoder().encode(text.slice(0, i) + swapped + text.slice(i + 1));
}

async function plainMessage(): Promise<Uint8Array> {
  const message = createMessage({
    from: `Alice <${ALICE}>`,
    to: BOB,
    subject: SUBJECT,
    text: BODY,
    attachments: [{ filename: 'numbers.csv', content: 'q,amount\r\n1,100\r\n' }],
  });
  return toMime(message);
}

export async function createRecipientFixtures(): Promise<RecipientFixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'sealpost-cli-recipient-'));
  const ca = await sharedTestCa();
  const [alicePgp, bobPgp, aliceCert, bobCert, bobEcCert] = await Promise.all([
    pgp.generateKey({ userIds: [{ name: 'Alice', email: ALICE }] }),
    pgp.generateKey({ userIds: [{ name: 'Bob', email: BOB }], passphrase: PASSPHRASE }),
    ca.issueEmailCertificate(ALICE, { keyType: 'ec-p256' }),
    ca.issueEmailCertificate(BOB, { keyType: 'rsa-2048' }),
    ca.issueEmailCertificate(BOB, { keyType: 'ec-p256' }),
  ]);
  const caCert = smime.readCertificate(ca.certPem);
  const aliceSmime = {
    certificate: smime.readCertificate(aliceCert.certPem),
    privateKey: smime.readPrivateKey(aliceCert.keyPem),
    chain: [caCert],
  };
  const bobSmimeCert = smime.readCertificate(bobCert.certPem);
  const plain = await plainMessage();
  const pgpEncrypted = await pgp.encryptMime(plain, {
    recipientKeys: [bobPgp.publicKey],
    signingKey: alicePgp.privateKey,
  });
  const pgpHidden = await pgp.encryptMime(plain, {
    recipientKeys: [bobPgp.publicKey],
    hideRecipientIds: true,
  });
  const pgpSigned = await pgp.signMime(plain, { signingKey: alicePgp.privateKey });
  const smimeEncrypted = await smime.encryptMime(plain, {
    recipients: [bobSmimeCert],
    sign: aliceSmime,
  });
  const smimeSigned = await smime.signMime(plain, aliceSmime);
  const smimeOpaque = await smime.signMime(plain, { ...aliceSmime, format: 'opaque' });
  // ECDH key agreement (RFC 5753): a KeyAgreeRecipientInfo instead of a KeyTransRecipientInfo.
  const smimeEc = await smime.encryptMime(plain, {
    recipients: [smime.readCertificate(bobEcCert.certPem)],
  });
  // Alice's key as it looks after she revoked it (e.g. compromised): her old signatures must
  // no longer vouch for anything (RFC 9580 §5.2.3.31).
  const { publicKey: aliceRevoked } = await openpgp.revokeKey({
    key: alicePgp.publicKey,
    revocationCertificate: alicePgp.revocationCertificate,
    format: 'armored',
  });
  const files: Record<string, string> = {};
  const put = async (name: FixtureFile, data: Uint8Array | string) => {
    files[name] = join(dir, name);
    await writeFile(files[name]!, data, { mode: 0o600 });
  };
  const signedText = new TextDecoder().decode(pgpSigned);
  await Promise.all([
    put('plain.eml', plain),
    put('pgp-encrypted.eml', pgpEncrypted),
    put('pgp-encrypted-hidden.eml', pgpHidden),
    put('pgp-signed.eml', pgpSigned),
    put('pgp-tampered.eml', tamper(pgpEncrypted, '-----BEGIN PGP MESSAGE-----')),
    // The signed text changes, the signature stays: "numbers" → "NUMBERS".
    put('pgp-signed-tampered.eml', signedText.replace(BODY, BODY.toUpperCase())),
    put('smime-encrypted.eml', smimeEncrypted),
    put('smime-signed.eml', smimeSigned),
    put(
      'smime-signed-tampered.eml',
      new TextDecoder().decode(smimeSigned).replace(BODY, BODY.toUpperCase()),
    ),
    put('smime-tampered.eml', tamper(smimeEncrypted, 'filename=smime.p7m')),
    put('smime-opaque.eml', smimeOpaque),
    put('smime-ec-encrypted.eml', smimeEc),
    put('bob-ec.pem', `${bobEcCert.keyPem}${bobEcCert.certPem}`),
    put('bob.sec.asc', bobPgp.armoredPrivateKey),
    put('bob.asc', bobPgp.armoredPublicKey),
    put('alice.asc', alicePgp.armoredPublicKey),
    put('alice-revoked.asc', aliceRevoked),
    put('bob-smime.pem', `${bobCert.keyPem}${bobCert.certPem}`),
    put('bob.p12', await exportPkcs12(bobCert, ca, PASSPHRASE)),
    put('ca.pem', ca.certPem),
    put('passphrase.txt', `${PASSPHRASE}\n`),
  ]);
  await put('smime-openssl-pkcs1.eml', await opensslEncrypt(plain, bobCert.certPem));
  await put('smime-openssl-signed.eml', await opensslSign(plain, aliceCert, ca.certPem));
  return {
    dir,
    files: files as Record<FixtureFile, string>,
    alicePgpFingerprint: alicePgp.fingerprint,
    bobPgpKeyIds: bobPgp.publicKey.getKeys().map((k) => k.getKeyID().toHex().toUpperCase()),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `openssl cms -sign`: multipart/signed (detached) with the chain, as an OpenSSL user sends it. */
async function opensslSign(
  plain: Uint8Array,
  signer: { certPem: string; keyPem: string },
  caPem: string,
): Promise<Uint8Array> {
  const tmp = await tempFiles();
  try {
    const args = [
      'cms',
      '-sign',
      '-signer',
      await tmp.write('alice.pem', signer.certPem),
      '-inkey',
      await tmp.write('alice.key', signer.keyPem),
      '-certfile',
      await tmp.write('ca.pem', caPem),
      '-in',
      await tmp.write('in.eml', plain),
    ];
    const smime = await openssl(args);
    const head = `From: Alice <${ALICE}>\r\nTo: ${BOB}\r\nSubject: ${SUBJECT}\r\n`;
    return new Uint8Array(Buffer.concat([Buffer.from(head), smime]));
  } finally {
    await tmp.dispose();
  }
}

/** `openssl cms -encrypt` with its defaults: EnvelopedData, RSA PKCS#1 v1.5 key transport. */
async function opensslEncrypt(plain: Uint8Array, certPem: string): Promise<Uint8Array> {
  const tmp = await tempFiles();
  try {
    const cert = await tmp.write('bob.pem', certPem);
    const input = await tmp.write('in.eml', plain);
    const smime = await openssl(['cms', '-encrypt', '-aes-256-cbc', '-in', input, cert]);
    // openssl writes only the MIME header fields; a mailer adds the message's own.
    const head = `From: Alice <${ALICE}>\r\nTo: ${BOB}\r\nSubject: ${SUBJECT}\r\n`;
    return new Uint8Array(Buffer.concat([Buffer.from(head), smime]));
  } finally {
    await tmp.dispose();
  }
}

/**
 * The keys and messages the snapshot warm-up opens (src/snapshot/warm-up.ts), made here, in
 * the build's own process, so that the code that makes them stays out of the snapshot. All
 * throwaway: made fresh on every build in a private temporary directory and removed after it.
 * Every address and text carries `mark`, which the build then looks for in the saved heap.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { ThrowawayCa } from '@sealpost/throwaway-ca';

export async function writeWarmUpFixtures(dir, mark) {
  const rsa = `rsa-${mark}@example.org`;
  const ecc = `ecc-${mark}@example.org`;
  const ca = await ThrowawayCa.create({ name: `CA ${mark}` });
  const [rsaKey, eccKey, sender, recipient] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: rsa }], type: 'rsa' }),
    pgp.generateKey({ userIds: [{ email: ecc }], type: 'ecc' }),
    ca.issueEmailCertificate(rsa, { keyType: 'rsa-2048' }),
    ca.issueEmailCertificate(ecc, { keyType: 'rsa-2048' }),
  ]);
  const message = (from, to) =>
    new TextEncoder().encode(
      `From: ${from}\r\nTo: ${to}\r\nSubject: ${mark}\r\nMIME-Version: 1.0\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\n\r\n${mark}\r\n`,
    );
  const signer = {
    certificate: smime.readCertificate(sender.certPem),
    privateKey: smime.readPrivateKey(sender.keyPem),
  };
  const files = {
    'rsa.sec.asc': rsaKey.armoredPrivateKey,
    'rsa.asc': rsaKey.armoredPublicKey,
    'ecc.sec.asc': eccKey.armoredPrivateKey,
    'ecc.asc': eccKey.armoredPublicKey,
    'ca.pem': ca.certPem,
    'recipient.pem': recipient.certPem + recipient.keyPem,
    'recipient.crt': recipient.certPem,
    'sender.pem': sender.certPem + sender.keyPem,
    'body.txt': `${mark}\n`,
    'addresses.txt': `${rsa}\n${ecc}\n`,
    'to-rsa.eml': await pgp.encryptMime(message(ecc, rsa), {
      recipientKeys: [rsaKey.publicKey],
      signingKey: eccKey.privateKey,
    }),
    'to-ecc.eml': await pgp.encryptMime(message(rsa, ecc), {
      recipientKeys: [eccKey.publicKey],
      signingKey: rsaKey.privateKey,
    }),
    'pgp-signed.eml': await pgp.signMime(message(rsa, ecc), { signingKey: rsaKey.privateKey }),
    'smime.eml': await smime.encryptMime(message(rsa, ecc), {
      recipients: [smime.readCertificate(recipient.certPem)],
      sign: signer,
    }),
    'smime-signed.eml': await smime.signMime(message(rsa, ecc), signer),
  };
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), content, { mode: 0o600 });
  }
}

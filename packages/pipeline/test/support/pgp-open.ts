// Child entry for test/lazy-schemes.test.ts: the recipient side alone, on the sources: one
// PGP/MIME message decrypted and one inspected, with the keystore's RSA primitive as the CLI
// passes it. Prints "ok" when the signature inside was valid.
import { rsaRawDecrypt } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import { inspectMessage, openMessage } from '../../src/recipient.js';

const [bob, alice] = await Promise.all([
  pgp.generateKey({ userIds: [{ email: 'bob@example.org' }], type: 'rsa', rsaBits: 3072 }),
  pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
]);
const mime = new TextEncoder().encode(
  'From: alice@example.org\r\nTo: bob@example.org\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\nhi\r\n',
);
const message = await pgp.encryptMime(mime, {
  recipientKeys: [bob.publicKey],
  signingKey: alice.privateKey,
});
const opened = await openMessage(
  message,
  {
    pgpPrivateKeys: [bob.privateKey],
    pgpPublicKeys: [alice.publicKey],
    smimeIdentities: [],
    smimeTrustAnchors: [],
  },
  { rsaRawDecrypt },
);
await inspectMessage(message);
if (opened.signatures[0]?.status !== 'valid') throw new Error('unexpected signature status');
process.stdout.write('ok\n');

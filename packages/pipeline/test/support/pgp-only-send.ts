// Child entry for test/lazy-schemes.test.ts: one OpenPGP-only prepareSend (encrypt and sign), on
// the sources. Prints "ok" when the copy was built and self-checked.
import * as pgp from '@sealpost/pgp';
import { prepareSend } from '../../src/prepare-send.js';

const [alice, me] = await Promise.all([
  pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
  pgp.generateKey({ userIds: [{ email: 'me@example.net' }] }),
]);
const prepared = await prepareSend(
  {
    from: { address: 'me@example.net' },
    to: [{ address: 'alice@example.org' }],
    mime: new TextEncoder().encode('From: me@example.net\r\nTo: alice@example.org\r\n\r\nhi\r\n'),
  },
  { encrypt: 'require', scheme: 'pgp', sign: 'pgp' },
  {
    recipientKeys: async (addresses) => ({
      recipients: new Map(
        addresses.map((address) => [
          address,
          [
            {
              scheme: 'pgp' as const,
              address,
              fingerprint: alice.fingerprint,
              source: 'file' as const,
              material: alice.publicKey,
            },
          ],
        ]),
      ),
    }),
    signers: {
      pgp: {
        scheme: 'pgp',
        fingerprint: me.fingerprint,
        source: 'file',
        material: { privateKey: me.privateKey },
      },
    },
  },
);
if (prepared.built.length !== 1 || prepared.built[0]!.planned.scheme !== 'pgp')
  throw new Error('unexpected plan');
process.stdout.write('ok\n');

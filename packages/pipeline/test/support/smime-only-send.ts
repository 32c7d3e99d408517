// Child entry for test/lazy-schemes.test.ts: one S/MIME-only prepareSend (encrypt to the
// certificate in argv[2]), on the sources. Prints "ok" when the copy was built and self-checked.
import { readFileSync } from 'node:fs';
import * as smime from '@sealpost/smime';
import { prepareSend } from '../../src/prepare-send.js';

const [certificate] = smime.readCertificates(readFileSync(process.argv[2]!, 'utf8'));
const prepared = await prepareSend(
  {
    from: { address: 'me@example.net' },
    to: [{ address: 'bob@example.org' }],
    mime: new TextEncoder().encode('From: me@example.net\r\nTo: bob@example.org\r\n\r\nhi\r\n'),
  },
  { encrypt: 'require', scheme: 'smime', sign: 'none' },
  {
    recipientKeys: {
      recipients: new Map([
        [
          'bob@example.org',
          [
            {
              scheme: 'smime',
              address: 'bob@example.org',
              fingerprint: await smime.certificateFingerprint(certificate!),
              source: 'file',
              material: certificate,
            },
          ],
        ],
      ]),
    },
  },
);
if (prepared.built.length !== 1 || prepared.built[0]!.planned.scheme !== 'smime')
  throw new Error('unexpected plan');
process.stdout.write('ok\n');

// A passphrase-protected PEM key (encrypted PKCS#8, or legacy "Proc-Type: 4,ENCRYPTED") opens
// for `decrypt --key` exactly as it does for `send --sign-key`: both read it with the keystore's
// one key reader. Before, decrypt refused it (ECERT_PARSE, "export it as PKCS#12").
import { createPrivateKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOB,
  BODY,
  createRecipientFixtures,
  PASSPHRASE,
  type RecipientFixtures,
} from '../fixtures/recipient-fixtures.js';
import { runSealpost } from './run-cli.js';

let fx: RecipientFixtures;
let f: RecipientFixtures['files'];
let pkcs8: string;
let legacyKey: string;
let certificate: string;

beforeAll(async () => {
  fx = await createRecipientFixtures();
  f = fx.files;
  const bundle = await readFile(f['bob-smime.pem'], 'utf8');
  const key = createPrivateKey(
    /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/.exec(bundle)![0],
  );
  certificate = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/.exec(bundle)![0];
  // Key, certificate and the issuing CA in one file, as a CA or `openssl pkcs12 -nodes` hands out.
  pkcs8 = join(fx.dir, 'bob-encrypted.pem');
  await writeFile(
    pkcs8,
    `${key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE })}${certificate}${await readFile(f['ca.pem'], 'utf8')}`,
  );
  // The key in one file (legacy OpenSSL encryption), its certificate in another.
  legacyKey = join(fx.dir, 'bob-legacy.key');
  await writeFile(
    legacyKey,
    key.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }),
  );
  await writeFile(join(fx.dir, 'bob-cert.pem'), certificate);
}, 60_000);

afterAll(async () => {
  await fx?.dispose();
});

const decrypt = (keys: string[], extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  runSealpost(
    ['decrypt', f['smime-encrypted.eml'], ...keys.flatMap((k) => ['--key', k]), ...extra],
    { env },
  );

describe('decrypt --key with a passphrase-protected PEM key', () => {
  it('opens an encrypted PKCS#8 key + certificate with --passphrase-file or --passphrase-env', async () => {
    const fromFile = await decrypt([pkcs8], ['--passphrase-file', f['passphrase.txt']]);
    expect(fromFile.code, fromFile.err).toBe(0);
    expect(fromFile.out).toContain(BODY);
    const fromEnv = await decrypt([pkcs8], ['--passphrase-env', 'PP', '--json'], {
      PP: PASSPHRASE,
    });
    expect(fromEnv.code, fromEnv.err).toBe(0);
    expect(JSON.parse(fromEnv.out)).toMatchObject({ scheme: 'smime', encrypted: true });
  });

  it('opens a legacy "Proc-Type: 4,ENCRYPTED" key given apart from its certificate', async () => {
    expect(await readFile(legacyKey, 'utf8')).toContain('Proc-Type: 4,ENCRYPTED');
    const r = await decrypt([legacyKey, join(fx.dir, 'bob-cert.pem')], ['--passphrase-env', 'PP'], {
      PP: PASSPHRASE,
    });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(BODY);
  });

  it('refuses a missing or wrong passphrase with EKEY_PASSPHRASE (exit 5), never echoing it', async () => {
    const missing = await decrypt([pkcs8]);
    expect(missing.code).toBe(5);
    expect(missing.err).toContain('EKEY_PASSPHRASE');
    const wrong = await decrypt([pkcs8], ['--passphrase-env', 'PP'], { PP: 'not the words' });
    expect(wrong.code).toBe(5);
    expect(wrong.err).toContain('EKEY_PASSPHRASE');
    expect(wrong.err).not.toContain('not the words');
  });

  it('the same file signs with send --sign-key', async () => {
    const out = join(fx.dir, 'signed.eml');
    const r = await runSealpost(
      [
        'send',
        '--from',
        BOB,
        '--to',
        'alice@example.org',
        '--subject',
        'Signed with the encrypted PEM key',
        '--text',
        BODY,
        '--encrypt',
        'none',
        '--sign',
        'smime',
        '--sign-key',
        pkcs8,
        '--passphrase-file',
        f['passphrase.txt'],
        '--keyring',
        join(fx.dir, 'kr'),
        '--dry-run',
        '--out',
        out,
      ],
      {},
    );
    expect(r.code, r.err).toBe(0);
    const verified = await runSealpost(['verify', out, '--anchor', f['ca.pem'], '--json']);
    expect(verified.code, verified.err).toBe(0);
    expect(JSON.parse(verified.out).signatures[0]).toMatchObject({ status: 'valid' });
  });
});

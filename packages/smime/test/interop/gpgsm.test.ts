/**
 * Interop with GnuPG's gpgsm (2.2 on Debian 12), both directions. gpgsm 2.2 reads neither
 * AuthEnvelopedData (AES-GCM) nor RSA-OAEP, so messages for it use the compatibility options
 * (EnvelopedData AES-256-CBC, RSA PKCS#1 v1.5) — exactly what those options are for.
 */
import { getCiphers } from 'node:crypto';
import {
  createMultipart,
  decodeBody,
  joinMessage,
  parseEntity,
  splitMessage,
} from '@sealpost/compose';
import { exportPkcs12, GpgsmHome } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptCms } from '../../src/cms/decrypt-cms.js';
import { encryptMime } from '../../src/mime/encrypt-mime.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { pkcs7SignatureEntity } from '../../src/mime/smime-entity.js';
import { verifyMime } from '../../src/mime/verify-mime.js';
import { contentDecrypt } from '../../src/node/content-decrypt.js';
import { rsaRawDecrypt } from '../../src/node/rsa-raw-decrypt.js';
import { readPkcs12 } from '../../src/pkcs12.js';
import { BODY_LINE, ENTITY, type Fixtures, fixtures, MESSAGE, text } from '../fixtures.js';

let f: Fixtures;
let bobHome: GpgsmHome;
let aliceHome: GpgsmHome;

beforeAll(async () => {
  f = await fixtures();
  const passphrase = 'interop only';
  bobHome = await GpgsmHome.create({
    caDer: f.ca.certDer,
    pkcs12: await exportPkcs12(f.bob.rsa.issued, f.ca, passphrase, { legacy: true }),
    passphrase,
  });
  aliceHome = await GpgsmHome.create({
    caDer: f.ca.certDer,
    pkcs12: await exportPkcs12(f.alice.rsa.issued, f.ca, passphrase, { legacy: true }),
    passphrase,
  });
});
afterAll(async () => {
  await bobHome?.dispose();
  await aliceHome?.dispose();
});

/** The CMS bytes of an application/pkcs7-mime or -signature entity. */
function cmsOf(message: Uint8Array): Uint8Array {
  return decodeBody(splitMessage(message).entity);
}

describe('ours → gpgsm', () => {
  it('gpgsm --decrypt reads our EnvelopedData AES-256-CBC with RSA PKCS#1 v1.5', async () => {
    const encrypted = await encryptMime(MESSAGE, {
      recipients: [f.bob.rsa.certificate],
      contentEncryption: 'aes-256-cbc',
      rsaPadding: 'pkcs1v15',
    });
    const input = await bobHome.write('enc.der', cmsOf(encrypted));
    const result = await bobHome.run(['--decrypt', input]);
    expect(result.stderr).not.toMatch(/failed/);
    expect(result.code).toBe(0);
    const out = result.stdout.toString('utf8');
    expect(out).toContain('Subject: Quarterly numbers');
    expect(out).toContain(BODY_LINE);
  });

  it.each(['detached', 'opaque'] as const)(
    'gpgsm --verify accepts our %s signature',
    async (format) => {
      const signed = await signMime(MESSAGE, { ...f.alice.rsa, chain: [f.anchor], format });
      const { entity } = splitMessage(signed);
      let args: string[];
      if (format === 'detached') {
        const { parseMultipart } = await import('@sealpost/compose');
        const { parts } = parseMultipart(entity);
        const sig = await bobHome.write('sig.der', decodeBody(parts[1]!.entity));
        const data = await bobHome.write('signed.txt', parts[0]!.raw);
        args = ['--verify', sig, data];
      } else {
        args = ['--verify', await bobHome.write('opaque.der', decodeBody(entity))];
      }
      const result = await bobHome.run(args);
      expect(result.stderr).toContain('Good signature');
      expect(result.code).toBe(0);
    },
  );
});

describe('gpgsm → ours', () => {
  it('we decrypt gpgsm --encrypt (its defaults)', async () => {
    const input = await aliceHome.write('entity.txt', ENTITY);
    await aliceHome.run(['--import', await aliceHome.write('bob.der', f.bob.rsa.issued.certDer)]);
    const result = await aliceHome.run(['--encrypt', '--recipient', 'bob@example.test', input]);
    expect(result.code).toBe(0);
    const decrypted = await decryptCms(new Uint8Array(result.stdout), {
      ...f.bob.rsa,
      rsaRawDecrypt,
    });
    expect(text(decrypted.content)).toContain(BODY_LINE);
    expect(decrypted.weak).toBe(false);
  });

  it('we decrypt gpgsm --encrypt --cipher-algo 3DES and flag it weak', async () => {
    const input = await aliceHome.write('entity.txt', ENTITY);
    await aliceHome.run(['--import', await aliceHome.write('bob.der', f.bob.rsa.issued.certDer)]);
    const result = await aliceHome.run([
      '--encrypt',
      '--cipher-algo',
      '3DES',
      '--recipient',
      'bob@example.test',
      input,
    ]);
    expect(result.code).toBe(0);
    const decrypted = await decryptCms(new Uint8Array(result.stdout), {
      ...f.bob.rsa,
      rsaRawDecrypt,
      contentDecrypt,
    });
    expect(text(decrypted.content)).toContain(BODY_LINE);
    expect(decrypted.weak).toBe(true);
    expect(decrypted.weakNote).toContain('3DES');
  });

  it('we read gpgsm --export-secret-key-p12 (3DES key, RC2-40 certificates) where RC2 exists', async () => {
    const result = await bobHome.run(['--export-secret-key-p12', 'bob@example.test']);
    expect(result.code).toBe(0);
    const p12 = new Uint8Array(result.stdout);
    if (!getCiphers().includes('rc2-40-cbc')) {
      // Node without --openssl-legacy-provider has no RC2: refused, with a clear code.
      await expect(
        readPkcs12(p12, 'interop only', undefined, { contentDecrypt }),
      ).rejects.toMatchObject({ code: 'ESMIME_CIPHER_UNAVAILABLE' });
      return;
    }
    const contents = await readPkcs12(p12, 'interop only', undefined, { contentDecrypt });
    expect(contents.certificate.der).toEqual(f.bob.rsa.issued.certDer);
    expect(contents.weak).toBe(true);
  });

  it('we verify gpgsm --detach-sign in a multipart/signed message', async () => {
    const input = await aliceHome.write('entity.txt', ENTITY);
    const result = await aliceHome.run([
      '--detach-sign',
      '--include-certs',
      '-1',
      '--local-user',
      'alice@example.test',
      input,
    ]);
    expect(result.code).toBe(0);
    const signed = createMultipart(
      'signed',
      [parseEntity(ENTITY), pkcs7SignatureEntity(result.stdout)],
      {
        params: { protocol: 'application/pkcs7-signature', micalg: 'sha-256' },
      },
    );
    const message = joinMessage([{ name: 'From', value: 'alice@example.test' }], signed);
    const verified = await verifyMime(message, { trustAnchors: [f.anchor] });
    expect(verified.signature.signers[0]?.error).toBeUndefined();
    expect(verified.signature.status).toBe('valid');
    expect(text(decodeBody(verified.entity))).toContain(BODY_LINE);
  });

  it('we verify gpgsm --sign (opaque signed-data)', async () => {
    const input = await aliceHome.write('entity.txt', ENTITY);
    const result = await aliceHome.run(['--sign', '--local-user', 'alice@example.test', input]);
    expect(result.code).toBe(0);
    const { pkcs7MimeEntity } = await import('../../src/mime/smime-entity.js');
    const message = joinMessage(
      [{ name: 'From', value: 'alice@example.test' }],
      pkcs7MimeEntity('signed-data', new Uint8Array(result.stdout)),
    );
    const verified = await verifyMime(message, { trustAnchors: [f.anchor] });
    expect(verified.signature.status).toBe('valid');
    expect(text(decodeBody(verified.entity))).toContain(BODY_LINE);
  });
});

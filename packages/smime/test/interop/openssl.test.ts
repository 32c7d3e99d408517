/**
 * Interop with OpenSSL 3 `openssl cms`, both directions, table-driven like OpenSSL's own
 * test/recipes/80-test_cms.t: every row is one message made by one side and read by the other.
 */
import { decodeBody } from '@sealpost/compose';
import { openssl, tempFiles } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentEncryption } from '../../src/cms/content-encryption.js';
import type { RsaPadding } from '../../src/cms/key-trans-recipient.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptMime } from '../../src/mime/encrypt-mime.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { verifyMime } from '../../src/mime/verify-mime.js';
import { rsaRawDecrypt } from '../../src/node/rsa-raw-decrypt.js';
import { BODY_LINE, ENTITY, type Fixtures, fixtures, MESSAGE, text } from '../fixtures.js';

type Files = Awaited<ReturnType<typeof tempFiles>>;

let f: Fixtures;
let files: Files;
let caFile: string;
const paths = new Map<string, { cert: string; key: string }>();

async function pathsOf(name: string, party: { issued: { certPem: string; keyPem: string } }) {
  let entry = paths.get(name);
  if (!entry) {
    entry = {
      cert: await files.write(`${name}.pem`, party.issued.certPem),
      key: await files.write(`${name}.key`, party.issued.keyPem),
    };
    paths.set(name, entry);
  }
  return entry;
}

beforeAll(async () => {
  f = await fixtures();
  files = await tempFiles('sealpost-smime-interop-');
  caFile = await files.write('ca.pem', f.ca.certPem);
});
afterAll(async () => {
  await files.dispose();
});

type BobKey = 'rsa' | 'ec' | 'ec384';

describe('ours → openssl cms', () => {
  it.each<[ContentEncryption, RsaPadding, BobKey]>([
    ['aes-256-gcm', 'oaep', 'rsa'],
    ['aes-256-gcm', 'pkcs1v15', 'rsa'],
    ['aes-256-gcm', 'oaep', 'ec'],
    ['aes-256-gcm', 'oaep', 'ec384'],
    ['aes-256-cbc', 'oaep', 'rsa'],
    ['aes-256-cbc', 'pkcs1v15', 'rsa'],
    ['aes-256-cbc', 'oaep', 'ec'],
  ])(
    'openssl cms -decrypt reads our %s / %s / bob-%s',
    async (contentEncryption, rsaPadding, key) => {
      const bob = f.bob[key];
      const encrypted = await encryptMime(MESSAGE, {
        recipients: [bob.certificate],
        contentEncryption,
        rsaPadding,
      });
      const { cert, key: keyFile } = await pathsOf(`bob-${key}`, bob);
      const input = await files.write('enc.eml', encrypted);
      const out = text(
        await openssl(['cms', '-decrypt', '-in', input, '-recip', cert, '-inkey', keyFile]),
      );
      expect(out).toContain('Subject: Quarterly numbers');
      expect(out).toMatch(/hp="?cipher"?/);
      expect(out).toContain('The quarterly numbers are in');
    },
  );

  it.each<['rsa' | 'ec', 'detached' | 'opaque']>([
    ['rsa', 'detached'],
    ['ec', 'detached'],
    ['rsa', 'opaque'],
    ['ec', 'opaque'],
  ])('openssl cms -verify accepts our %s %s signature', async (key, format) => {
    const signed = await signMime(MESSAGE, { ...f.alice[key], chain: [f.anchor], format });
    const input = await files.write('signed.eml', signed);
    // Default purpose smimesign: checks keyUsage and the emailProtection EKU as well.
    const out = text(await openssl(['cms', '-verify', '-in', input, '-CAfile', caFile]));
    expect(out).toContain(BODY_LINE);
  });

  it('openssl decrypts then verifies our signed-and-encrypted message', async () => {
    const encrypted = await encryptMime(MESSAGE, {
      recipients: [f.bob.rsa.certificate],
      sign: { ...f.alice.ec, chain: [f.anchor] },
    });
    const { cert, key } = await pathsOf('bob-rsa', f.bob.rsa);
    const input = await files.write('se.eml', encrypted);
    const inner = await openssl(['cms', '-decrypt', '-in', input, '-recip', cert, '-inkey', key]);
    const signedFile = await files.write('se-inner.eml', inner);
    const out = text(await openssl(['cms', '-verify', '-in', signedFile, '-CAfile', caFile]));
    expect(out).toContain('Subject: Quarterly numbers');
    expect(out).toContain(BODY_LINE);
  });
});

describe('openssl cms → ours', () => {
  it('reports an openssl -md sha1 signature as invalid (weak digest)', async () => {
    const alice = f.alice.rsa;
    const { cert, key } = await pathsOf('alice-rsa', alice);
    const input = await files.write('entity.txt', ENTITY);
    const signed = await openssl([
      'cms',
      '-sign',
      '-md',
      'sha1',
      '-in',
      input,
      '-from',
      'alice@example.test',
      '-signer',
      cert,
      '-inkey',
      key,
    ]);
    const result = await verifyMime(new Uint8Array(signed), { trustAnchors: [f.anchor] });
    expect(result.signature.status).toBe('invalid');
    expect(result.signature.signers[0]!.error!.message).toContain('weak');
  });

  it.each<[string, BobKey, string[]]>([
    ['-aes-256-gcm, RSA PKCS#1 v1.5 (openssl default)', 'rsa', ['-aes-256-gcm']],
    ['-aes-256-cbc, RSA PKCS#1 v1.5', 'rsa', ['-aes-256-cbc']],
    ['-aes-256-gcm, RSA-OAEP SHA-1', 'rsa', ['-aes-256-gcm', '-keyopt', 'rsa_padding_mode:oaep']],
    [
      '-aes-256-cbc, RSA-OAEP SHA-256',
      'rsa',
      ['-aes-256-cbc', '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'],
    ],
    ['-aes-256-gcm, ECDH P-256 (sha1 KDF default)', 'ec', ['-aes-256-gcm']],
    [
      '-aes-256-cbc, ECDH P-384 sha256 KDF',
      'ec384',
      ['-aes-256-cbc', '-keyopt', 'ecdh_kdf_md:sha256'],
    ],
  ])('we decrypt openssl cms -encrypt %s', async (_name, key, options) => {
    const bob = f.bob[key];
    const { cert } = await pathsOf(`bob-${key}`, bob);
    const input = await files.write('entity.txt', ENTITY);
    const encrypted = await openssl([
      'cms',
      '-encrypt',
      '-binary',
      '-in',
      input,
      '-from',
      'alice@example.test',
      '-to',
      'bob@example.test',
      '-subject',
      'From openssl',
      '-recip',
      cert,
      ...options,
    ]);
    const result = await decryptMime(new Uint8Array(encrypted), { ...bob, rsaRawDecrypt });
    expect(text(decodeBody(result.entity))).toContain(BODY_LINE);
    expect(result.headers.find((h) => h.name.toLowerCase() === 'subject')?.value).toBe(
      'From openssl',
    );
    expect(result.encryption.structure).toBe(
      options[0] === '-aes-256-gcm' ? 'authEnvelopedData' : 'envelopedData',
    );
  });

  it.each<[string, 'rsa' | 'ec', string[]]>([
    ['detached, RSA', 'rsa', []],
    ['detached, EC', 'ec', []],
    ['opaque (-nodetach), RSA', 'rsa', ['-nodetach']],
  ])('we verify openssl cms -sign %s', async (_name, key, options) => {
    const alice = f.alice[key];
    const { cert, key: keyFile } = await pathsOf(`alice-${key}`, alice);
    const input = await files.write('entity.txt', ENTITY);
    const signed = await openssl([
      'cms',
      '-sign',
      '-in',
      input,
      '-from',
      'alice@example.test',
      '-subject',
      'Signed by openssl',
      '-signer',
      cert,
      '-inkey',
      keyFile,
      '-certfile',
      caFile,
      ...options,
    ]);
    const result = await verifyMime(new Uint8Array(signed), { trustAnchors: [f.anchor] });
    expect(result.signature.signers[0]?.error).toBeUndefined();
    expect(result.signature.status).toBe('valid');
    expect(result.signature.signers[0]!.signingTime).toBeInstanceOf(Date);
    expect(text(decodeBody(result.entity))).toContain(BODY_LINE);
  });
});

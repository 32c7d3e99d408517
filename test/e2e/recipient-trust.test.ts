// The built binary, recipient side (issue 10): both schemes, detached and opaque, signed then
// encrypted, inline PGP and legacy protected-headers="v1", human and --json, exit codes.
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { sharedTestCa, tempFiles } from '@sealpost/testkit';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSealpost } from './run-cli.js';

type Files = Awaited<ReturnType<typeof tempFiles>>;
let files: Files;
const path = (name: string) => join(files.dir, name);
const bytes = (text: string) => new TextEncoder().encode(text);
const FROM = 'From: Alice <alice@example.org>\r\n';
const REST = 'To: bob@example.net\r\nSubject: Numbers\r\nMIME-Version: 1.0\r\n';
const BODY = 'Content-Type: text/plain; charset=utf-8\r\n\r\nThe numbers are fine.\r\n';
const json = (out: string) => JSON.parse(out);

beforeAll(async () => {
  files = await tempFiles('sealpost-e2e-trust-');
  const ca = await sharedTestCa();
  const [signer, bob] = await Promise.all([
    ca.issueEmailCertificate('alice@example.org', { keyType: 'ec-p256' }),
    ca.issueEmailCertificate('bob@example.net', { keyType: 'rsa-2048' }),
  ]);
  await files.write('ca.pem', ca.certPem);
  await files.write('bob.pem', `${bob.keyPem}\n${bob.certPem}`);
  const sign = (format: 'detached' | 'opaque') => ({
    certificate: smime.readCertificate(signer.certPem),
    privateKey: smime.readPrivateKey(signer.keyPem),
    format,
  });
  const message = bytes(`${FROM}${REST}${BODY}`);
  const twoFrom = bytes(`${FROM}From: eve@evil.example\r\n${REST}${BODY}`);
  const recipients = [smime.readCertificate(bob.certPem)];
  await files.write('smime-detached.eml', await smime.signMime(message, sign('detached')));
  await files.write('smime-opaque.eml', await smime.signMime(message, sign('opaque')));
  await files.write(
    'smime-opaque-two-from.eml',
    await smime.signMime(twoFrom, { ...sign('opaque'), headerProtection: false }),
  );
  await files.write(
    'smime-signed-gcm.eml',
    await smime.encryptMime(message, { recipients, sign: sign('opaque') }),
  );
  await files.write(
    'smime-signed-cbc.eml',
    await smime.encryptMime(message, {
      recipients,
      sign: sign('detached'),
      contentEncryption: 'aes-256-cbc',
    }),
  );

  const [alice, eve, pbob] = await Promise.all([
    pgp.generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }] }),
    pgp.generateKey({ userIds: [{ name: 'Eve', email: 'eve@evil.example' }] }),
    pgp.generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.net' }] }),
  ]);
  await files.write('alice.asc', alice.armoredPublicKey);
  await files.write('eve.asc', eve.armoredPublicKey);
  await files.write('bob.sec.asc', pbob.armoredPrivateKey);
  await files.write(
    'pgp-eve-encrypted.eml',
    await pgp.encryptMime(message, {
      recipientKeys: [pbob.publicKey],
      signingKey: eve.privateKey,
    }),
  );
  const inlineSigned = await openpgp.sign({
    message: await openpgp.createCleartextMessage({ text: 'Signed inline text.' }),
    signingKeys: alice.privateKey,
  });
  const head = `${FROM}${REST}Content-Type: text/plain; charset=utf-8\r\n\r\n`;
  await files.write(
    'inline-signed.eml',
    `${head}Unsigned words before.\r\n${inlineSigned.replace(/\r?\n/g, '\r\n')}`,
  );
  const inlineEncrypted = await openpgp.encrypt({
    message: await openpgp.createMessage({ text: 'Encrypted inline text.' }),
    encryptionKeys: pbob.publicKey,
    signingKeys: alice.privateKey,
  });
  await files.write('inline-encrypted.eml', `${head}${inlineEncrypted.replace(/\r?\n/g, '\r\n')}`);
  // Legacy protected-headers="v1", signed by hand: the payload keeps its own Subject.
  const payload =
    'Content-Type: text/plain; charset=utf-8; protected-headers="v1"\r\n' +
    `${FROM}Subject: The real subject\r\n\r\nHello.\r\n`;
  const signature = await pgp.signDetached(bytes(payload), { signingKey: alice.privateKey });
  await files.write(
    'legacy-v1.eml',
    `${FROM}To: bob@example.net\r\nSubject: ...\r\nMIME-Version: 1.0\r\n` +
      'Content-Type: multipart/signed; boundary="b"; protocol="application/pgp-signature"; ' +
      `micalg=pgp-${signature.hashAlgorithm}\r\n\r\n--b\r\n${payload}\r\n--b\r\n` +
      `Content-Type: application/pgp-signature\r\n\r\n${signature.armored.replace(/\r?\n/g, '\r\n')}\r\n--b--\r\n`,
  );
}, 120_000);

afterAll(async () => {
  await files?.dispose();
});

describe('S/MIME: detached, opaque, signed then encrypted', () => {
  it.each(['smime-detached.eml', 'smime-opaque.eml'])(
    'verify %s: exit 0, valid, integrity null',
    async (name) => {
      const r = await runSealpost(['verify', path(name), '--anchor', path('ca.pem'), '--json']);
      expect(r.code).toBe(0);
      expect(json(r.out)).toMatchObject({
        integrity: null,
        signatures: [{ status: 'valid', userIds: [] }],
      });
      const human = await runSealpost(['verify', path(name), '--anchor', path('ca.pem')]);
      expect(human.err.trimEnd().split('\n').at(-1)).toContain('signature valid');
    },
  );

  it('opaque with two From fields: exit 5, ESENDER_AMBIGUOUS in human and JSON', async () => {
    const human = await runSealpost([
      'verify',
      path('smime-opaque-two-from.eml'),
      '--anchor',
      path('ca.pem'),
    ]);
    expect(human.code).toBe(5);
    expect(human.err).toContain('ESENDER_AMBIGUOUS');
    const r = await runSealpost([
      'verify',
      path('smime-opaque-two-from.eml'),
      '--anchor',
      path('ca.pem'),
      '--json',
    ]);
    expect(r.code).toBe(5);
    expect(json(r.out).error.details.signatures[0].code).toBe('ESENDER_AMBIGUOUS');
  });

  it('signed then encrypted with AES-GCM: integrity aead, no EFAIL note', async () => {
    const r = await runSealpost([
      'decrypt',
      path('smime-signed-gcm.eml'),
      '--key',
      path('bob.pem'),
      '--anchor',
      path('ca.pem'),
      '--require-integrity',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const doc = json(r.out);
    expect(doc).toMatchObject({ integrity: 'aead', signatures: [{ status: 'valid' }] });
    expect(doc.notes.join(' ')).not.toContain('EFAIL');
  });

  it('signed then encrypted with CBC: integrity none, but the valid signature covers it', async () => {
    const r = await runSealpost([
      'decrypt',
      path('smime-signed-cbc.eml'),
      '--key',
      path('bob.pem'),
      '--anchor',
      path('ca.pem'),
      '--require-integrity',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('integrity');
    expect(r.out).not.toContain('EFAIL');
  });

  it('CBC with a signature no anchor vouches for: --require-integrity exits 5', async () => {
    const r = await runSealpost([
      'decrypt',
      path('smime-signed-cbc.eml'),
      '--key',
      path('bob.pem'),
      '--require-integrity',
    ]);
    expect(r.code).toBe(5);
    expect(r.err).toContain('EINTEGRITY_MISSING');
    expect(r.out).not.toContain('The numbers are fine');
  });
});

describe('OpenPGP signed then encrypted', () => {
  it("From alice@ signed by Eve's key inside the encryption: exit 5, code and user IDs", async () => {
    const r = await runSealpost([
      'decrypt',
      path('pgp-eve-encrypted.eml'),
      '--key',
      path('bob.sec.asc'),
      '--verify-key',
      path('eve.asc'),
    ]);
    expect(r.code).toBe(5);
    expect(r.err).toContain('EPGP_SIGNER_ADDRESS');
    expect(r.err).toContain('Eve <eve@evil.example>');
    expect(r.out).not.toContain('The numbers are fine');
  });
});

describe('inline PGP', () => {
  it('verify: the signed text only, notes about the rest, exit 0', async () => {
    const r = await runSealpost(['verify', path('inline-signed.eml'), '--key', path('alice.asc')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('OpenPGP (inline)');
    expect(r.out).toContain('Signed inline text.');
    expect(r.out).not.toContain('Unsigned words before.');
    expect(r.out).toContain('is not covered');
    const j = await runSealpost([
      'verify',
      path('inline-signed.eml'),
      '--key',
      path('alice.asc'),
      '--json',
    ]);
    expect(json(j.out)).toMatchObject({ inline: true, signatures: [{ status: 'valid' }] });
  });

  it('verify without the signer key: exit 5, ESIGNATURE_UNVERIFIED (not ENOT_PROTECTED)', async () => {
    const r = await runSealpost(['verify', path('inline-signed.eml')]);
    expect(r.code).toBe(5);
    expect(r.err).toContain('ESIGNATURE_UNVERIFIED');
  });

  it('decrypt: the block decrypted, the signature inside checked', async () => {
    const r = await runSealpost([
      'decrypt',
      path('inline-encrypted.eml'),
      '--key',
      path('bob.sec.asc'),
      '--verify-key',
      path('alice.asc'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const doc = json(r.out);
    expect(doc).toMatchObject({ inline: true, encrypted: true, signatures: [{ status: 'valid' }] });
    expect(doc.message).toContain('Encrypted inline text.');
  });

  it('inspect says which lines the signed block covers', async () => {
    const r = await runSealpost(['inspect', path('inline-signed.eml')]);
    expect(r.code).toBe(0);
    expect(r.out.replace(/\s+/g, ' ')).toContain('text outside the signed block is not covered');
  });
});

describe('legacy protected-headers="v1"', () => {
  it('verify shows the payload Subject, marked legacy, not RFC 9788', async () => {
    const r = await runSealpost(['verify', path('legacy-v1.eml'), '--key', path('alice.asc')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('The real subject');
    expect(r.out).toContain('legacy');
    const j = await runSealpost([
      'verify',
      path('legacy-v1.eml'),
      '--key',
      path('alice.asc'),
      '--json',
    ]);
    expect(json(j.out).headerProtection).toBe('legacy-v1');
  });

  it('inspect names the legacy scheme', async () => {
    const r = await runSealpost(['inspect', path('legacy-v1.eml'), '--json']);
    expect(json(r.out).headerProtection.scheme).toBe('legacy-v1');
  });
});

describe('inspect and opaque signed-data', () => {
  it('sees hp="clear" inside the eContent', async () => {
    const r = await runSealpost(['inspect', path('smime-opaque.eml'), '--json']);
    expect(r.code).toBe(0);
    expect(json(r.out).headerProtection).toMatchObject({ hp: 'clear', scheme: 'rfc9788' });
  });
});

// In-process tests of `decrypt` and `verify` on messages made by @sealpost/pgp, @sealpost/smime
// and openssl: argument handling, JSON shapes, exit codes.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BODY,
  createRecipientFixtures,
  PASSPHRASE,
  type RecipientFixtures,
  SUBJECT,
} from '../fixtures/recipient-fixtures.js';
import { runSealpost } from './run-cli.js';

let fx: RecipientFixtures;
let f: RecipientFixtures['files'];

beforeAll(async () => {
  fx = await createRecipientFixtures();
  f = fx.files;
}, 60_000);

afterAll(async () => {
  await fx?.dispose();
});

const json = (out: string) => JSON.parse(out);

describe('sealpost decrypt', () => {
  it('decrypts PGP/MIME with a passphrase file: protected headers win, signature valid', async () => {
    const { code, out } = await runSealpost([
      'decrypt',
      f['pgp-encrypted.eml'],
      '--key',
      f['bob.sec.asc'],
      '--passphrase-file',
      f['passphrase.txt'],
      '--verify-key',
      f['alice.asc'],
      '--json',
    ]);
    expect(code).toBe(0);
    const r = json(out);
    expect(r).toMatchObject({ scheme: 'pgp', encrypted: true, headerProtection: 'cipher' });
    expect(r.headers).toContainEqual({ name: 'Subject', value: SUBJECT });
    expect(r.outerHeaders).toContainEqual({ name: 'Subject', value: '[...]' });
    expect(r.hpOuter).toContainEqual({ name: 'Subject', value: '[...]' });
    expect(r.signatures).toEqual([
      expect.objectContaining({
        status: 'valid',
        signer: fx.alicePgpFingerprint.toUpperCase(),
        created: expect.any(String),
      }),
    ]);
    expect(r.message).toContain(BODY);
    expect(r.message).toContain(`Subject: ${SUBJECT}`);
  });

  it('reports a signature by a key it was not given as unknown-key, and still decrypts', async () => {
    const { code, out } = await runSealpost(
      ['decrypt', f['pgp-encrypted.eml'], '--key', f['bob.sec.asc'], '--passphrase-env', 'PP'],
      { env: { PP: PASSPHRASE, NO_COLOR: '1' } },
    );
    expect(code).toBe(0);
    expect(out).toMatch(/unknown key — key ID [0-9A-F]{16}/);
    expect(out).toContain(`Subject     ${SUBJECT}`);
    expect(out).toContain(BODY);
    expect(out).not.toContain(PASSPHRASE);
  });

  it('an invalid signature inside (revoked signing key) exits 5 and shows nothing', async () => {
    const target = join(fx.dir, 'never-written.eml');
    const { code, out, err } = await runSealpost(
      [
        'decrypt',
        f['pgp-encrypted.eml'],
        '--key',
        f['bob.sec.asc'],
        '--passphrase-env',
        'PP',
        '--verify-key',
        f['alice-revoked.asc'],
        '--out',
        target,
      ],
      { env: { PP: PASSPHRASE } },
    );
    expect(code).toBe(5);
    expect(err).toContain('ESIGNATURE_INVALID');
    expect(err).toContain('revoked');
    expect(out).toBe('');
    expect(existsSync(target)).toBe(false);
  });

  it('fails with EKEY_PASSPHRASE (exit 5) when a locked key has no passphrase', async () => {
    const { code, out } = await runSealpost([
      'decrypt',
      f['pgp-encrypted.eml'],
      '--key',
      f['bob.sec.asc'],
      '--json',
    ]);
    expect(code).toBe(5);
    expect(json(out).error.code).toBe('EKEY_PASSPHRASE');
  });

  it('decrypts S/MIME AuthEnvelopedData with a PEM key+certificate and checks the signer', async () => {
    const { code, out } = await runSealpost([
      'decrypt',
      f['smime-encrypted.eml'],
      '--key',
      f['bob-smime.pem'],
      '--ca', // the brief's name; --anchor is the same here
      f['ca.pem'],
      '--json',
    ]);
    expect(code).toBe(0);
    const r = json(out);
    expect(r).toMatchObject({
      scheme: 'smime',
      encrypted: true,
      headerProtection: 'cipher',
      encryption: { structure: 'authEnvelopedData' },
    });
    expect(r.headers).toContainEqual({ name: 'Subject', value: SUBJECT });
    expect(r.signatures).toEqual([
      expect.objectContaining({
        status: 'valid',
        signer: 'CN=alice@example.org',
        addresses: ['alice@example.org'],
      }),
    ]);
    expect(r.message).toContain(BODY);
  });

  it('without --ca the S/MIME signer is an unknown key, not a valid one', async () => {
    const { code, out } = await runSealpost([
      'decrypt',
      f['smime-encrypted.eml'],
      '--key',
      f['bob-smime.pem'],
      '--json',
    ]);
    expect(code).toBe(0);
    expect(json(out).signatures[0]).toMatchObject({
      status: 'unknown-key',
      code: 'ESMIME_CERT_UNTRUSTED',
    });
  });

  it('reads a legacy 3DES PKCS#12 and says on stderr that it is weak', async () => {
    const { code, out, err } = await runSealpost(
      [
        'decrypt',
        f['smime-encrypted.eml'],
        '--key',
        f['bob-legacy.p12'],
        '--passphrase-env',
        'P12',
      ],
      { env: { P12: PASSPHRASE } },
    );
    expect(code, err).toBe(0);
    expect(out).toContain(BODY);
    expect(err).toMatch(/bob-legacy\.p12.*(3DES|TripleDES|weak)/i);
  });

  it("reads openssl's default 3DES content and says it is weak (never written by sealpost)", async () => {
    const args = ['decrypt', f['smime-openssl-3des.eml'], '--key', f['bob.p12']];
    const env = { env: { P12: PASSPHRASE } };
    const { code, out } = await runSealpost([...args, '--passphrase-env', 'P12', '--json'], env);
    expect(code).toBe(0);
    const r = json(out);
    expect(r.encryption.contentEncryptionOid).toBe('1.2.840.113549.3.7');
    expect(r.notes.join(' ')).toMatch(/3DES|weak/i);
    expect(r.integrity).toBe('none');
    const human = await runSealpost([...args, '--passphrase-env', 'P12'], env);
    expect(human.code).toBe(0);
    expect(human.out).toContain(BODY);
    expect(`${human.out}${human.err}`).toMatch(/3DES|weak/i);
  });

  it('decrypts openssl cms output (PKCS#1 v1.5) with a PKCS#12 file and writes --out', async () => {
    const target = join(fx.dir, 'inner-openssl.eml');
    const { code, out } = await runSealpost(
      [
        'decrypt',
        f['smime-openssl-pkcs1.eml'],
        '--key',
        f['bob.p12'],
        '--passphrase-env',
        'P12',
        '--out',
        target,
        '--json',
      ],
      { env: { P12: PASSPHRASE } },
    );
    expect(code).toBe(0);
    const r = json(out);
    expect(r).toMatchObject({ out: target, encryption: { structure: 'envelopedData' } });
    expect(r.encryption.keyEncryptionOid).toBe('1.2.840.113549.1.1.1');
    expect(r.message).toBeUndefined();
    expect(await readFile(target, 'utf8')).toContain(BODY);
    // --out never overwrites.
    const again = await runSealpost(
      [
        'decrypt',
        f['smime-openssl-pkcs1.eml'],
        '--key',
        f['bob.p12'],
        '--passphrase-env',
        'P12',
        '--out',
        target,
      ],
      { env: { P12: PASSPHRASE } },
    );
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('EIO');
  });

  it('tampered ciphertext exits 5 with the library code and prints no content', async () => {
    const pgp = await runSealpost([
      'decrypt',
      f['pgp-tampered.eml'],
      '--key',
      f['bob.sec.asc'],
      '--passphrase-file',
      f['passphrase.txt'],
      '--json',
    ]);
    expect(pgp.code).toBe(5);
    expect(json(pgp.out)).toMatchObject({ ok: false, error: { code: 'EDECRYPT' } });
    const smime = await runSealpost([
      'decrypt',
      f['smime-tampered.eml'],
      '--key',
      f['bob-smime.pem'],
    ]);
    expect(smime.code).toBe(5);
    expect(smime.err).toContain('ESMIME_DECRYPT');
    expect(smime.out).not.toContain(BODY);
  });

  it('answers usage mistakes: no key (2), a signed-only message (6), a public key (5)', async () => {
    expect((await runSealpost(['decrypt', f['pgp-encrypted.eml']])).code).toBe(2);
    const signed = await runSealpost(['decrypt', f['pgp-signed.eml'], '--key', f['bob.sec.asc']]);
    expect(signed.code).toBe(6);
    expect(signed.err).toContain('ENOT_PROTECTED');
    const pub = await runSealpost(['decrypt', f['pgp-encrypted.eml'], '--key', f['bob.asc']]);
    expect(pub.code).toBe(5);
    expect(pub.err).toContain('EKEY_FILE');
    const encryptedPem = join(fx.dir, 'encrypted-key.pem');
    await writeFile(
      encryptedPem,
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
    );
    const locked = await runSealpost(['decrypt', f['smime-encrypted.eml'], '--key', encryptedPem]);
    // Read like any protected key (test/e2e/encrypted-pem-key.test.ts): without a passphrase
    // it is refused as protected, not as an unreadable format.
    expect(locked.code).toBe(5);
    expect(locked.err).toContain('EKEY_PASSPHRASE');
    const wrongScheme = await runSealpost([
      'decrypt',
      f['smime-encrypted.eml'],
      '--key',
      f['bob.sec.asc'],
      '--passphrase-file',
      f['passphrase.txt'],
    ]);
    expect(wrongScheme.code).toBe(2);
    expect(wrongScheme.err).toMatch(/S\/MIME message/);
  });
});

describe('S/MIME variants: ECDH recipients, opaque signatures, openssl signatures', () => {
  it('inspect shows a KeyAgreeRecipientInfo; decrypt opens it with the EC key', async () => {
    const seen = await runSealpost(['inspect', f['smime-ec-encrypted.eml'], '--json']);
    expect(seen.code).toBe(0);
    expect(json(seen.out).encryption.cms.recipients).toEqual([
      {
        type: 'kari',
        issuer: expect.stringContaining('sealpost Test CA'),
        serialNumber: expect.stringMatching(/^[0-9a-f]+$/),
        keyEncryption: expect.stringMatching(/ECDH/),
      },
    ]);
    const opened = await runSealpost([
      'decrypt',
      f['smime-ec-encrypted.eml'],
      '--key',
      f['bob-ec.pem'],
      '--json',
    ]);
    expect(opened.code, opened.out).toBe(0);
    expect(json(opened.out).message).toContain(BODY);
    // The RSA identity is not a recipient: the error names the certificate, exit 5.
    const wrong = await runSealpost([
      'decrypt',
      f['smime-ec-encrypted.eml'],
      '--key',
      f['bob-smime.pem'],
    ]);
    expect(wrong.code).toBe(5);
    expect(wrong.err).toContain('ESMIME_DECRYPT');
  });

  it('verifies opaque signed-data (application/pkcs7-mime) and inspect names its signer', async () => {
    const seen = await runSealpost(['inspect', f['smime-opaque.eml'], '--json']);
    expect(json(seen.out).signature).toMatchObject({
      format: 'smime-signed-opaque',
      cms: [{ certificateSubject: 'CN=alice@example.org' }],
    });
    const { code, out } = await runSealpost([
      'verify',
      f['smime-opaque.eml'],
      '--anchor',
      f['ca.pem'],
      '--json',
    ]);
    expect(code, out).toBe(0);
    expect(json(out)).toMatchObject({ scheme: 'smime', headerProtection: 'clear' });
    expect(json(out).signatures[0].status).toBe('valid');
  });

  it('verifies what openssl cms -sign wrote', async () => {
    const { code, out } = await runSealpost([
      'verify',
      f['smime-openssl-signed.eml'],
      '--anchor',
      f['ca.pem'],
      '--json',
    ]);
    expect(code, out).toBe(0);
    expect(json(out).signatures).toEqual([
      expect.objectContaining({ status: 'valid', addresses: ['alice@example.org'] }),
    ]);
  });
});

describe('sealpost verify', () => {
  it('verifies PGP/MIME multipart/signed with the signer key (exit 0)', async () => {
    const { code, out } = await runSealpost([
      'verify',
      f['pgp-signed.eml'],
      '--key',
      f['alice.asc'],
      '--json',
    ]);
    expect(code).toBe(0);
    const r = json(out);
    expect(r).toMatchObject({ scheme: 'pgp', encrypted: false, headerProtection: 'clear' });
    expect(r.signatures).toEqual([
      expect.objectContaining({ status: 'valid', signer: fx.alicePgpFingerprint.toUpperCase() }),
    ]);
  });

  it('verifies S/MIME multipart/signed against the CA (exit 0)', async () => {
    const { code, out } = await runSealpost(
      ['verify', f['smime-signed.eml'], '--anchor', f['ca.pem']],
      {
        env: { NO_COLOR: '1' },
      },
    );
    expect(code).toBe(0);
    expect(out).toMatch(/valid — CN=alice@example\.org, <alice@example\.org>/);
  });

  it('an altered signed message exits 5 with ESIGNATURE_INVALID for both schemes', async () => {
    for (const [file, trust] of [
      [f['pgp-signed-tampered.eml'], ['--key', f['alice.asc']]],
      [f['smime-signed-tampered.eml'], ['--anchor', f['ca.pem']]],
    ] as const) {
      const { code, out } = await runSealpost(['verify', file, ...trust, '--json']);
      expect(code, file).toBe(5);
      const r = json(out);
      expect(r.error.code).toBe('ESIGNATURE_INVALID');
      expect(r.error.details.signatures[0].status).toBe('invalid');
    }
  });

  it('no key for the signer exits 5 with ESIGNATURE_UNVERIFIED', async () => {
    const pgp = await runSealpost(['verify', f['pgp-signed.eml'], '--json']);
    expect(pgp.code).toBe(5);
    expect(json(pgp.out).error.code).toBe('ESIGNATURE_UNVERIFIED');
    const smime = await runSealpost(['verify', f['smime-signed.eml']]);
    expect(smime.code).toBe(5);
    expect(smime.err).toContain('ESIGNATURE_UNVERIFIED');
  });

  it('an encrypted or unsigned message is not for verify (exit 6 ENOT_PROTECTED)', async () => {
    for (const file of [f['pgp-encrypted.eml'], f['plain.eml']]) {
      const { code, err } = await runSealpost(['verify', file]);
      expect(code).toBe(6);
      expect(err).toContain('ENOT_PROTECTED');
    }
  });
});

describe('--help', () => {
  it('teaches each command with usage, options and examples', async () => {
    for (const [name, flags] of [
      ['inspect', ['--json']],
      [
        'decrypt',
        ['--key', '--passphrase-env', '--passphrase-file', '--verify-key', '--anchor', '--out'],
      ],
      ['verify', ['--key', '--anchor', '--out']],
    ] as const) {
      const { code, out } = await runSealpost([name, '--help']);
      expect(code).toBe(0);
      expect(out).toMatch(new RegExp(`^Usage: sealpost ${name} FILE\\.eml`));
      for (const flag of flags) expect(out, `${name} ${flag}`).toContain(flag);
      expect(out).toContain('Examples:');
    }
    const top = await runSealpost(['--help']);
    expect(top.out).toMatch(/inspect\s+Show how a message file is built/);
    expect(top.out).toMatch(/decrypt\s+Decrypt a PGP\/MIME, S\/MIME or inline PGP message/);
    expect(top.out).toMatch(/verify\s+Check the signature/);
  });
});

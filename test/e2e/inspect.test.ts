// In-process tests of `inspect` on messages made by @sealpost/pgp, @sealpost/smime and
// openssl: what it reads from each, the JSON shape, exit codes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecipientFixtures, type RecipientFixtures } from '../fixtures/recipient-fixtures.js';
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

describe('sealpost inspect', () => {
  it('lists the PGP/MIME structure, the recipient key ID and the exposure matrix', async () => {
    const { code, out } = await runSealpost(['inspect', f['pgp-encrypted.eml'], '--json']);
    expect(code).toBe(0);
    const r = json(out);
    expect(r.file).toBe(f['pgp-encrypted.eml']);
    expect(r.headers).toMatchObject({ to: 'bob@example.net', subject: '[...]' });
    expect(r.structure).toMatchObject({
      part: '1',
      contentType: 'multipart/encrypted',
      params: { protocol: 'application/pgp-encrypted' },
      children: [
        { part: '1.1', contentType: 'application/pgp-encrypted' },
        { part: '1.2', contentType: 'application/octet-stream', filename: 'encrypted.asc' },
      ],
    });
    expect(r.encryption).toMatchObject({
      scheme: 'pgp',
      kind: 'encrypted',
      format: 'pgp-mime-encrypted',
      part: '1',
      pgp: { passwords: 0, integrity: 'seipd-v1' },
    });
    // The PKESK names bob's encryption subkey, not a wildcard.
    expect(r.encryption.pgp.recipients).toHaveLength(1);
    expect(fx.bobPgpKeyIds).toContain(r.encryption.pgp.recipients[0].keyId);
    expect(r.encryption.pgp.recipients[0]).toMatchObject({ wildcard: false, version: 3 });
    expect(r.signature).toBeNull();
    expect(r.headerProtection).toMatchObject({ hp: null, likely: true });
    expect(r.exposure.scheme).toBe('pgp');
    expect(r.exposure.headerProtection).toBe(true);
    expect(r.exposure.matrix['submission-server'].body.visibility).toBe('hidden');
    expect(r.exposure.matrix['submission-server'].subject.visibility).toBe('hidden');
    expect(r.exposure.matrix['submission-server'].recipients.visibility).toBe('readable');
    expect(r.exposure.matrix.recipient.body.visibility).toBe('readable');
  });

  it('shows a hidden recipient as the wildcard key ID', async () => {
    const { code, out } = await runSealpost(['inspect', f['pgp-encrypted-hidden.eml'], '--json']);
    expect(code).toBe(0);
    const r = json(out);
    expect(r.encryption.pgp.recipients).toEqual([
      { keyId: '0000000000000000', wildcard: true, version: 3, algorithm: 'ecdh' },
    ]);
    expect(r.notes.join(' ')).toMatch(/hidden/);
  });

  it('names the PGP signer of a multipart/signed message and its hp="clear" fields', async () => {
    const { code, out } = await runSealpost(['inspect', f['pgp-signed.eml'], '--json']);
    expect(code).toBe(0);
    const r = json(out);
    expect(r.encryption).toBeNull();
    expect(r.signature).toMatchObject({ scheme: 'pgp', format: 'pgp-mime-signed', part: '1' });
    expect(r.signature.pgp[0].fingerprint).toBe(fx.alicePgpFingerprint.toUpperCase());
    expect(r.signature.pgp[0].keyId).toBe(fx.alicePgpFingerprint.slice(-16).toUpperCase());
    expect(r.headerProtection).toMatchObject({ hp: 'clear', likely: true });
    expect(r.headerProtection.protectedFields).toEqual(
      expect.arrayContaining(['From', 'To', 'Subject']),
    );
    // Signing hides nothing: every server reads the body.
    expect(r.exposure.scheme).toBe('none');
    expect(r.exposure.matrix.relays.body.visibility).toBe('readable');
    const nested = r.structure.children[0].children.map((c: { filename: string }) => c.filename);
    expect(nested).toContain('numbers.csv');
  });

  it('lists S/MIME RecipientInfo identifiers and algorithms without decrypting', async () => {
    const { code, out } = await runSealpost(['inspect', f['smime-encrypted.eml'], '--json']);
    expect(code).toBe(0);
    const r = json(out);
    expect(r.encryption).toMatchObject({
      scheme: 'smime',
      format: 'smime-enveloped',
      cms: {
        structure: 'authEnvelopedData',
        contentEncryption: expect.stringMatching(/aes256-GCM/),
      },
    });
    expect(r.encryption.cms.recipients).toEqual([
      {
        type: 'ktri',
        issuer: expect.stringContaining('CN=sealpost Test CA'),
        serialNumber: expect.stringMatching(/^[0-9a-f]+$/),
        keyEncryption: expect.stringMatching(/RSAES-OAEP/),
      },
    ]);
    expect(r.exposure.matrix['recipient-provider']['attachment-names'].visibility).toBe('hidden');
  });

  it('reads what openssl cms wrote: EnvelopedData, PKCS#1 v1.5, a readable Subject', async () => {
    const { code, out } = await runSealpost(['inspect', f['smime-openssl-pkcs1.eml'], '--json']);
    expect(code).toBe(0);
    const r = json(out);
    expect(r.encryption.cms).toMatchObject({
      structure: 'envelopedData',
      contentEncryption: expect.stringMatching(/aes256-CBC/),
      recipients: [{ type: 'ktri', keyEncryption: expect.stringMatching(/PKCS#1 v1\.5/) }],
    });
    expect(r.headerProtection.likely).toBe(false);
    expect(r.exposure.matrix['submission-server'].subject.visibility).toBe('readable');
  });

  it('names the S/MIME signer certificate of a multipart/signed message', async () => {
    const { code, out } = await runSealpost(['inspect', f['smime-signed.eml'], '--json']);
    expect(code).toBe(0);
    const r = json(out);
    expect(r.signature).toMatchObject({ scheme: 'smime', format: 'smime-signed-detached' });
    expect(r.signature.cms[0]).toMatchObject({
      certificateSubject: 'CN=alice@example.org',
      digestAlgorithm: expect.stringMatching(/sha256/),
      signingTime: expect.any(String),
    });
  });

  it('says so plainly for an unprotected message, in a readable table', async () => {
    const { code, out } = await runSealpost(['inspect', f['plain.eml']], {
      env: { NO_COLOR: '1' },
    });
    expect(code).toBe(0);
    expect(out).toContain('encrypted  no');
    expect(out).toContain('numbers.csv');
    expect(out).toMatch(/submission server\s+READS\s+READS\s+READS/);
  });

  it('never lets escape sequences from the message reach the terminal', async () => {
    const hostile = join(fx.dir, 'hostile.eml');
    await writeFile(
      hostile,
      'From: a@example.org\r\nTo: b@example.org\r\nSubject: \u001b]0;owned\u0007\u001b[2Jhi\r\n' +
        'Content-Type: text/plain; name="x\u001b[31m.txt"\r\n\r\nbody\r\n',
    );
    const human = await runSealpost(['inspect', hostile]);
    expect(human.code).toBe(0);
    expect(human.out).not.toMatch(/[\u001b\u0007]/);
    expect(human.out).toContain('\uFFFD[2Jhi');
    const machine = await runSealpost(['inspect', hostile, '--json']);
    expect(JSON.parse(machine.out).headers.subject).toBe('\u001b]0;owned\u0007\u001b[2Jhi');
  });

  it('refuses a file that is not a message (exit 6) and a missing file (exit 6 EIO)', async () => {
    const notMail = await runSealpost(['inspect', f['ca.pem'], '--json']);
    expect(notMail.code).toBe(6);
    expect(json(notMail.out).error.code).toBe('EMIME');
    const missing = await runSealpost(['inspect', join(fx.dir, 'nope.eml')]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('EIO');
  });
});
